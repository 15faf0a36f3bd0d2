"""Editors' tokens: shown once, stored hashed, verified, revoked; and `curator token …`."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from typer.testing import CliRunner

from curator.cli import app
from curator.errors import ConflictError, NotFoundError
from curator.store.base import utcnow
from curator.store.models import DashboardSession, EditorToken
from curator.tokens import (
    LAST_USED_PRECISION,
    browser_session_live,
    close_browser_session,
    create_token,
    hash_token,
    list_tokens,
    note_use,
    open_browser_session,
    revoke_token,
    token_by_id,
    verify_token,
)

runner = CliRunner()


async def _last_used(session: AsyncSession) -> object:
    async with session.begin():
        return (await list_tokens(session))[0].last_used_at


async def test_token_is_stored_only_as_its_hash(session: AsyncSession) -> None:
    async with session.begin():
        info, token = await create_token(session, name="alex")
    assert info.name == "alex" and info.active
    assert len(token) > 40
    async with session.begin():
        row = (await session.execute(select(EditorToken))).scalar_one()
    assert row.token_hash == hash_token(token)
    assert token not in row.token_hash


async def test_verify_names_the_editor_and_only_reads(session: AsyncSession) -> None:
    async with session.begin():
        _, token = await create_token(session, name="alex")
        await create_token(session, name="sam")
    now = utcnow()
    async with session.begin():
        editor = await verify_token(session, token=token, now=now)
    assert editor is not None and editor.name == "alex"
    assert editor.use_is_news(now)
    async with session.begin():
        assert await verify_token(session, token=token + "x", now=now) is None
        assert await verify_token(session, token="", now=now) is None
    assert await _last_used(session) is None  # verifying never writes


async def test_last_use_is_noted_at_most_once_a_minute(session: AsyncSession) -> None:
    async with session.begin():
        _, token = await create_token(session, name="alex")
    now = utcnow()
    async with session.begin():
        editor = await verify_token(session, token=token, now=now)
        assert editor is not None
        assert await note_use(session, token_id=editor.token_id, now=now)
    assert await _last_used(session) == now
    # Used again within the precision: no write; later: the new time.
    soon = now + LAST_USED_PRECISION / 2
    async with session.begin():
        editor = await verify_token(session, token=token, now=soon)
        assert editor is not None and not editor.use_is_news(soon)
        assert not await note_use(session, token_id=editor.token_id, now=soon)
    assert await _last_used(session) == now
    later = now + timedelta(hours=1)
    async with session.begin():
        assert await note_use(session, token_id=editor.token_id, now=later)
    assert await _last_used(session) == later


async def test_revoked_token_is_refused_and_name_can_be_reused(session: AsyncSession) -> None:
    async with session.begin():
        _, old = await create_token(session, name="alex")
    async with session.begin():
        with pytest.raises(ConflictError):
            await create_token(session, name="alex")
    async with session.begin():
        info = await revoke_token(session, name="alex")
    assert not info.active
    async with session.begin():
        assert await verify_token(session, token=old) is None
    async with session.begin():
        _, new = await create_token(session, name="alex")
    async with session.begin():
        assert await verify_token(session, token=old) is None
        assert (await verify_token(session, token=new)) is not None
    async with session.begin():
        with pytest.raises(NotFoundError):
            await revoke_token(session, name="nobody")


async def test_token_by_id_finds_the_row_revoked_or_not(session: AsyncSession) -> None:
    async with session.begin():
        _, token = await create_token(session, name="alex")
        editor = await verify_token(session, token=token)
        assert editor is not None
        await revoke_token(session, name="alex")
        row = await token_by_id(session, token_id=editor.token_id)
        assert row is not None and row.name == "alex" and row.revoked_at is not None
        assert await token_by_id(session, token_id=editor.token_id + 1) is None


@pytest.mark.parametrize("name", ["", "two words", "x" * 121], ids=["empty", "space", "long"])
async def test_bad_names_are_refused(session: AsyncSession, name: str) -> None:
    with pytest.raises(ValueError, match="token name"):
        await create_token(session, name=name)


def test_token_commands(env_database: str) -> None:
    created = runner.invoke(app, ["token", "create", "alex"])
    assert created.exit_code == 0, created.output
    token = created.stdout.strip()
    assert token.startswith("cur_") and "\n" not in token
    assert "shown only now" in created.stderr

    listed = runner.invoke(app, ["token", "list"])
    assert listed.exit_code == 0
    assert "alex" in listed.stdout and "active" in listed.stdout and token not in listed.stdout

    again = runner.invoke(app, ["token", "create", "alex"])
    assert again.exit_code == 2  # invalid input: the name is taken
    assert "revoke it first" in again.stderr

    revoked = runner.invoke(app, ["token", "revoke", "alex"])
    assert revoked.exit_code == 0
    assert "revoked" in runner.invoke(app, ["token", "list"]).stdout

    missing = runner.invoke(app, ["token", "revoke", "nobody"])
    assert missing.exit_code == 2
    bad = runner.invoke(app, ["token", "create", "two words"])
    assert bad.exit_code == 2


def test_token_list_says_moments_as_the_dashboard_does(env_database: str) -> None:
    assert runner.invoke(app, ["token", "create", "alex"]).exit_code == 0
    assert runner.invoke(app, ["token", "revoke", "alex"]).exit_code == 0
    listed = runner.invoke(app, ["token", "list"])
    assert listed.exit_code == 0, listed.output
    today = utcnow()
    # "3 Dec 2026, 14:02 UTC" (curator.labels.moment_label), twice: created and revoked.
    stamp = re.compile(rf"{today.day} {today:%b %Y}, \d\d:\d\d UTC")
    assert len(stamp.findall(listed.stdout)) == 2, listed.stdout
    assert "revoked " in listed.stdout and "never" in listed.stdout
    assert not re.search(r"\d{4}-\d\d-\d\d", listed.stdout)


async def test_browser_sessions_end_on_sign_out_and_expire(session: AsyncSession) -> None:
    now = utcnow()
    async with session.begin():
        _, token = await create_token(session, name="alex")
        editor = await verify_token(session, token=token)
        assert editor is not None
        key = await open_browser_session(
            session, token_id=editor.token_id, lifetime=timedelta(hours=12), now=now
        )
        other = await open_browser_session(
            session, token_id=editor.token_id, lifetime=timedelta(hours=12), now=now
        )
    async with session.begin():
        assert await browser_session_live(session, key=key, token_id=editor.token_id, now=now)
        assert not await browser_session_live(session, key=key, token_id=editor.token_id + 1)
        assert not await browser_session_live(session, key=key + "x", token_id=editor.token_id)
        later = now + timedelta(hours=13)
        assert not await browser_session_live(session, key=key, token_id=editor.token_id, now=later)
    async with session.begin():
        assert await close_browser_session(session, key=key, now=now)
        assert not await close_browser_session(session, key=key, now=now)
    async with session.begin():
        assert not await browser_session_live(session, key=key, token_id=editor.token_id)
        # Signing out one browser leaves the editor's other browsers signed in.
        assert await browser_session_live(session, key=other, token_id=editor.token_id, now=now)
    # Two days on, a sign-in forgets the sessions long over.
    async with session.begin():
        await open_browser_session(
            session,
            token_id=editor.token_id,
            lifetime=timedelta(hours=12),
            now=now + timedelta(days=2),
        )
        rows = (await session.execute(select(DashboardSession))).scalars().all()
    assert len(rows) == 1
