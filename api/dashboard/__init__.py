"""The editor dashboard: server-rendered pages under /editor on the editor API's actions.

Include it in the app with `app.include_router(dashboard.router)`.
"""

from __future__ import annotations

from api.dashboard import actions  # noqa: F401  (registers the POST actions on the router)
from api.dashboard.routes import router

__all__ = ["router"]
