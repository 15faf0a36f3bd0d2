"""`curator token …`: editors' API tokens (created once, shown once, stored hashed)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from curator.cli.app import (
    EXIT_INVALID,
    CuratorCommand,
    app,
    err,
    migrated_engine,
    out,
    run,
    settings,
)

if TYPE_CHECKING:  # the database loads when a command runs
    from curator.tokens import TokenInfo

token_app = typer.Typer(help="Create, list and revoke editors' API tokens.", no_args_is_help=True)
app.add_typer(token_app, name="token")

NameArgument = Annotated[
    str, typer.Argument(metavar="NAME", help="who the token is for, e.g. alex or newsroom")
]


@token_app.command("create", cls=CuratorCommand)
def token_create(name: NameArgument) -> None:
    """Create a token for NAME and print it once.

    Only its hash is stored: a lost token is revoked and a new one created."""
    current = settings()

    async def body() -> tuple[TokenInfo, str]:
        from curator.store.engine import session_factory
        from curator.tokens import create_token

        async with migrated_engine(current) as engine:
            async with session_factory(engine)() as session, session.begin():
                return await create_token(session, name=name)

    try:
        info, token = run(body)
    except ValueError as exc:
        err.print(f"[red]error:[/] {exc}")
        raise typer.Exit(EXIT_INVALID) from None
    # The token alone on stdout, so `curator token create x > file` captures just it.
    print(token)
    err.print(
        f"Token for {info.name!r} created. It is shown only now: keep it somewhere safe. "
        "Send it as 'Authorization: Bearer <token>'."
    )


@token_app.command("list")
def token_list() -> None:
    """List tokens: when each was created, last used and revoked."""
    current = settings()

    async def body() -> list[TokenInfo]:
        from curator.store.engine import session_factory
        from curator.tokens import list_tokens

        async with migrated_engine(current) as engine:
            async with session_factory(engine)() as session:
                return await list_tokens(session)

    tokens = run(body)
    if not tokens:
        out.print("No tokens. Create one with `curator token create NAME`.")
        return
    from rich.table import Table

    from curator.labels import moment_label

    # Moments as the dashboard and the reports say them ("3 Dec 2026, 14:02 UTC"), unbroken.
    table = Table("name", "created", "last used", "status")
    for column in table.columns[1:]:
        column.no_wrap = True
    for info in tokens:
        table.add_row(
            info.name,
            moment_label(info.created_at),
            moment_label(info.last_used_at) if info.last_used_at else "never",
            "active" if info.revoked_at is None else f"revoked {moment_label(info.revoked_at)}",
        )
    out.print(table)


@token_app.command("revoke", cls=CuratorCommand)
def token_revoke(name: NameArgument) -> None:
    """Revoke NAME's token: requests carrying it are refused from now on."""
    current = settings()

    async def body() -> TokenInfo:
        from curator.store.engine import session_factory
        from curator.tokens import revoke_token

        async with migrated_engine(current) as engine:
            async with session_factory(engine)() as session, session.begin():
                return await revoke_token(session, name=name)

    info = run(body)
    out.print(f"Token {info.name!r} revoked.")
