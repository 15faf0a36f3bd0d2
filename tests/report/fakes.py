"""Stand-ins for the refresh report's tests: an archive that answers without a network."""

from __future__ import annotations

from datetime import UTC, datetime

from curator.archive import ArchivedCopy

ARCHIVED_AT = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)


class FakeArchive:
    """Has a copy of the Cleveland Police page only; records what it was asked."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, datetime | None]] = []

    async def lookup(self, url: str, *, near: datetime | None = None) -> ArchivedCopy | None:
        """A snapshot for gone.example, None for anything else."""
        self.asked.append((url, near))
        if "gone.example" in url:
            return ArchivedCopy(f"https://web.archive.org/web/20260115120000/{url}", ARCHIVED_AT)
        return None
