"""The check that found a site harmful to readers where an unsafe resource was: its evidence,
whatever the checks since found (a timeout says nothing of the casino).

The refresh report reads it from the history it already holds (`history.last_harm`); the
dashboard asks here, for the unsafe resources it shows.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy.ext.asyncio import AsyncSession

from curator.report.history import last_harm
from curator.store import checks as check_queries
from curator.store.models import Check


async def harm_checks(session: AsyncSession, *, urls: Collection[str]) -> dict[str, Check]:
    """The newest check of each URL that found a site harmful to readers there (URLs with
    none are left out): what an unsafe link's evidence is."""
    if not urls:
        return {}
    points = await check_queries.check_points(session, urls=urls)
    harms = {url: harm for url, seen in points.items() if (harm := last_harm(seen)) is not None}
    found = await check_queries.checks_by_id(
        session, ids={harm.check_id for harm in harms.values()}
    )
    return {url: found[harm.check_id] for url, harm in harms.items() if harm.check_id in found}
