"""The editor dashboard: server-rendered pages under /editor on the editor API's actions.

Include it in the app with `app.include_router(dashboard.router)`.
"""

from __future__ import annotations

from api.dashboard.routes import router

__all__ = ["router"]
