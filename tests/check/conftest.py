"""Fixtures of the checker's tests: settings that need no database."""

from __future__ import annotations

from pathlib import Path

import pytest

from curator.settings import Settings


@pytest.fixture
def fetch_settings(tmp_path: Path) -> Settings:
    """Checker settings for network tests: private addresses allowed, no retries, short limits."""
    return Settings(
        database_url=f"sqlite:///{tmp_path / 'unused.db'}",
        allow_private_addresses=True,
        per_host_interval=0.0,
        retries=0,
        retry_backoff=0.01,
        connect_timeout=2.0,
        read_timeout=2.0,
        url_deadline=5.0,
        max_body_bytes=256 * 1024,
    )
