"""The dashboard's browser session: a signed cookie naming the editor, with its CSRF token.

The cookie is signed (itsdangerous, `settings.secret_key`), HttpOnly, SameSite=Strict, and
Secure when the request came over https. It holds no secret of the editor's: only the id of
the token they signed in with and a tag derived from the token's stored hash (both checked
again on every request, so revoking a token, or replacing it with a new one of the same name,
ends its sessions), their name, the per-session CSRF token every form carries back, and the
key of the server-side session (`dashboard_sessions`): signing out ends that row, so a copy
of the cookie taken before signing out no longer signs anyone in.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from fastapi import Request, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

SESSION_COOKIE = "curator_editor"
FLASH_COOKIE = "curator_flash"
CSRF_FIELD = "csrf_token"
COOKIE_PATH = "/editor"
SESSION_MAX_AGE = 12 * 60 * 60
"""Seconds a sign-in lasts (a working day), then the editor signs in again."""
FLASH_MAX_AGE = 5 * 60
FLASH_MAX_BYTES = 3800
"""Browsers drop a cookie past 4 KB: a refused form's values that would cross it are left out
(its message and each field's problem are kept)."""

FlashKind = Literal["success", "error"]


@dataclass(frozen=True, slots=True)
class BrowserSession:
    """Who is signed in (if anyone) and the CSRF token this browser's forms must carry."""

    csrf: str
    editor: str | None = None
    token_id: int | None = None
    token_tag: str | None = None
    key: str | None = None
    """The server-side session's key: signing out ends it, so a copied cookie dies too."""

    @property
    def signed_in(self) -> bool:
        """True once an editor has signed in with a valid token."""
        return (
            self.editor is not None
            and self.token_id is not None
            and bool(self.token_tag)
            and bool(self.key)
        )

    def csrf_matches(self, submitted: str | None) -> bool:
        """Whether a submitted form's CSRF token is this session's (constant time)."""
        if not submitted:
            return False
        return hmac.compare_digest(submitted.encode(), self.csrf.encode())

    def signed_in_as(self, editor: str, token_id: int, token_tag: str, key: str) -> BrowserSession:
        """A new session for `editor`, with a fresh CSRF token (no fixation across sign-in)."""
        return replace(
            new_session(), editor=editor, token_id=token_id, token_tag=token_tag, key=key
        )


@dataclass(frozen=True, slots=True)
class RefusedForm:
    """A form the server refused, as the editor filled it in, with each field's problem: the
    next page shows it again (open, the values kept, each problem beside its field)."""

    action: str
    resource_id: int
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    def to_cookie(self) -> dict[str, Any]:
        """As the flash cookie carries it."""
        return {"a": self.action, "r": self.resource_id, "v": self.values, "e": self.errors}

    @classmethod
    def from_cookie(cls, data: object) -> RefusedForm | None:
        """From the flash cookie; None for anything not written by `to_cookie`."""
        if not isinstance(data, dict):
            return None
        action, rid, values, errors = data.get("a"), data.get("r"), data.get("v"), data.get("e")
        if not (isinstance(action, str) and isinstance(rid, int)):
            return None
        if not (_texts(values) and _texts(errors)):
            return None
        assert isinstance(values, dict) and isinstance(errors, dict)
        return cls(action, rid, dict(values), dict(errors))


def _texts(mapping: object) -> bool:
    return isinstance(mapping, dict) and all(
        isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()
    )


@dataclass(frozen=True, slots=True)
class Flash:
    """A one-time message shown on the page after an action (post/redirect/get)."""

    kind: FlashKind
    text: str
    refused: RefusedForm | None = None
    """The form the action came from, when it was refused: shown again as it was sent."""


def new_session() -> BrowserSession:
    """An anonymous session: nobody signed in yet, but a CSRF token for the sign-in form."""
    return BrowserSession(csrf=secrets.token_urlsafe(32))


class CookieJar:
    """Reads and writes the dashboard's signed cookies."""

    def __init__(self, secret_key: str) -> None:
        self._session = URLSafeTimedSerializer(secret_key, salt="curator.dashboard.session")
        self._flash = URLSafeTimedSerializer(secret_key, salt="curator.dashboard.flash")

    def read_session(self, request: Request) -> BrowserSession | None:
        """The browser's session, or None when it has none or its cookie is forged or stale."""
        raw = request.cookies.get(SESSION_COOKIE)
        if not raw:
            return None
        try:
            data = self._session.loads(raw, max_age=SESSION_MAX_AGE)
        except BadSignature:
            return None
        if not isinstance(data, dict) or not isinstance(data.get("c"), str):
            return None
        editor, token_id, tag, key = data.get("e"), data.get("t"), data.get("g"), data.get("k")
        if not (
            isinstance(editor, str)
            and isinstance(token_id, int)
            and isinstance(tag, str)
            and isinstance(key, str)
        ):
            editor, token_id, tag, key = None, None, None, None
        return BrowserSession(
            csrf=data["c"], editor=editor, token_id=token_id, token_tag=tag, key=key
        )

    def write_session(self, request: Request, response: Response, session: BrowserSession) -> None:
        """Store `session` in the browser."""
        value = self._session.dumps(
            {
                "c": session.csrf,
                "e": session.editor,
                "t": session.token_id,
                "g": session.token_tag,
                "k": session.key,
            }
        )
        _set(request, response, SESSION_COOKIE, value, SESSION_MAX_AGE)

    def read_flash(self, request: Request) -> Flash | None:
        """The message an action left for this page, if any."""
        raw = request.cookies.get(FLASH_COOKIE)
        if not raw:
            return None
        try:
            data = self._flash.loads(raw, max_age=FLASH_MAX_AGE)
        except BadSignature:
            return None
        if not isinstance(data, dict) or data.get("k") not in ("success", "error"):
            return None
        text = data.get("m")
        if not isinstance(text, str):
            return None
        return Flash(kind=data["k"], text=text, refused=RefusedForm.from_cookie(data.get("f")))

    def fits(self, flash: Flash) -> bool:
        """Whether the flash keeps its refused form's values within a cookie."""
        data: dict[str, Any] = {"k": flash.kind, "m": flash.text}
        if flash.refused is not None:
            data["f"] = flash.refused.to_cookie()
        return len(self._flash.dumps(data)) <= FLASH_MAX_BYTES

    def write_flash(self, request: Request, response: Response, flash: Flash) -> None:
        """Leave a message for the next page the browser shows (with the refused form)."""
        data: dict[str, Any] = {"k": flash.kind, "m": flash.text}
        if flash.refused is not None:
            data["f"] = flash.refused.to_cookie()
        value = self._flash.dumps(data)
        if len(value) > FLASH_MAX_BYTES and flash.refused is not None:
            data["f"] = replace(flash.refused, values={}).to_cookie()
            value = self._flash.dumps(data)
        _set(request, response, FLASH_COOKIE, value, FLASH_MAX_AGE)

    def clear_flash(self, request: Request, response: Response) -> None:
        """Drop the message once it has been shown."""
        response.delete_cookie(
            FLASH_COOKIE,
            path=COOKIE_PATH,
            secure=_secure(request),
            httponly=True,
            samesite="strict",
        )


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def _set(request: Request, response: Response, name: str, value: str, max_age: int) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path=COOKIE_PATH,
        secure=_secure(request),
        httponly=True,
        samesite="strict",
    )
