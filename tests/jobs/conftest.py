"""Fixtures of the scheduler's tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.running import close_built_checkers


@pytest.fixture(autouse=True)
async def _close_checkers() -> AsyncIterator[None]:
    """Close the checkers a test's scheduler contexts built, so no connection outlives it."""
    yield
    await close_built_checkers()
