"""curator: keeps a safeguarding hub's curated resource lists honest."""

from __future__ import annotations

__version__ = "0.1.0"
