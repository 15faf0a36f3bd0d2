"""Fixtures of the checker's tests: the test-site kit and settings that need no database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from curator.settings import Settings
from tests.check.sites import Sites


@pytest.fixture
async def sites() -> AsyncIterator[Sites]:
    """Real HTTP(S) test sites on 127.0.0.x, closed after the test."""
    kit = Sites()
    try:
        yield kit
    finally:
        await kit.aclose()


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
