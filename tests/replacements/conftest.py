"""Fixtures of the replacement search's tests: the checker's test-site kit and settings."""

from __future__ import annotations

from tests.check.conftest import fetch_settings, sites

__all__ = ["fetch_settings", "sites"]
