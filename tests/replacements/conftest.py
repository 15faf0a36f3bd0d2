"""Fixtures of the replacement search's tests: the checker's network-test settings."""

from __future__ import annotations

from tests.check.conftest import fetch_settings

__all__ = ["fetch_settings"]
