"""The API's and the dashboard's seeds store only checks the checker can store: each request
recorded as a hop, the last one holding the status the check says it got (a check with a status
and no hops never comes from the fetcher, and would test views against rows it never writes)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from curator.store.models import Check
from tests.api.seed import seed as api_seed
from tests.dashboard.seed import seed as dashboard_seed
from tests.seeding import stored

HOP_KEYS = {"url", "status", "address", "location", "elapsed_ms"}
"""What `curator.runs.records.hops_of` writes for each request."""


@pytest.mark.parametrize("seed", [api_seed, dashboard_seed], ids=["api", "dashboard"])
async def test_every_seeded_check_carries_the_hops_the_fetcher_records(
    database_url: str, session: AsyncSession, seed: Callable[[AsyncSession], Awaitable[Any]]
) -> None:
    await stored(database_url, seed)
    checks = (await session.execute(select(Check))).scalars().all()
    assert checks
    for check in checks:
        hops = check.hops
        assert hops, f"{check.url} ({check.verdict}) has no hops"
        assert all(set(hop) == HOP_KEYS for hop in hops), hops
        assert hops[0]["url"] == check.url
        assert hops[-1]["status"] == check.status_code
        for hop, following in zip(hops, hops[1:], strict=False):
            assert hop["location"] == following["url"]
