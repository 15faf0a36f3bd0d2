"""`curator serve`: the API (public lists, reports, editors' endpoints) under uvicorn."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from curator.cli.app import EXIT_ERROR, app, err, fail, migrated_engine, run, settings

if TYPE_CHECKING:
    from curator.settings import Settings

DEFAULT_SECRET_KEY = "change-me"


def is_loopback(host: str) -> bool:
    """True when `host` listens on this machine only (127.x, ::1, localhost)."""
    import ipaddress

    name = host.strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def cannot_listen(host: str, port: int) -> str | None:
    """Why the server could not listen on host:port (the port taken, an address this machine
    does not have) and what to do, found by binding it as uvicorn will; None when it can. Said
    before the server starts, as one line with the documented exit code, rather than as
    uvicorn's log line and its own exit status."""
    import errno
    import socket

    where = f"cannot listen on {host}:{port}"
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host.strip("[]"), port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
            probe.bind(address)
    except socket.gaierror as exc:
        return f"{where}: {host} is not an address ({exc.strerror}); give another --host"
    except OSError as exc:
        reason = (exc.strerror or str(exc)).lower()
        if exc.errno == errno.EADDRINUSE:
            return f"{where}: {reason}; stop what listens there or give another --port"
        if exc.errno == errno.EACCES:
            return f"{where}: {reason} (ports below 1024 need privileges); give another --port"
        return f"{where}: {reason}; give another --host"
    return None


def refuse_unless_listening(host: str, port: int) -> None:
    """End the command (exit 4, one line) when the server could not listen on host:port."""
    problem = cannot_listen(host, port)
    if problem is not None:
        fail(problem, EXIT_ERROR)


def startup_notes(current: Settings, host: str, port: int) -> list[tuple[int, str]]:
    """What an operator needs on start, as (logging level, line): where the dashboard is, how
    to get a token, and a warning when the cookies' secret is the default on an open address."""
    import logging

    shown = f"[{host}]" if ":" in host else host
    base = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else shown}:{port}"
    notes = [
        (
            logging.INFO,
            f"curator on {base}: dashboard {base}/editor, API docs {base}/docs, "
            f"health {base}/healthz",
        ),
        (
            logging.INFO,
            "editors sign in with a token: create one with `curator token create NAME`",
        ),
    ]
    if current.secret_key.get_secret_value() == DEFAULT_SECRET_KEY and not is_loopback(host):
        notes.append(
            (
                logging.WARNING,
                f"CURATOR_SECRET_KEY is the default while listening on {host}: anyone can forge "
                "the dashboard's cookies; set it to a long random value",
            )
        )
    return notes


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on", min=1, max=65535)] = 8000,
    workers: Annotated[int, typer.Option(help="worker processes", min=1)] = 1,
    proxy_headers: Annotated[
        bool,
        typer.Option(
            help="take the client's address from X-Forwarded-For sent by --forwarded-allow-ips"
        ),
    ] = True,
    forwarded_allow_ips: Annotated[
        str, typer.Option(help="proxies whose X-Forwarded-* headers are trusted")
    ] = "127.0.0.1",
) -> None:
    """Serve the API (OpenAPI at /docs); migrates the database first."""
    import uvicorn

    current = settings()
    refuse_unless_listening(host, port)

    async def migrate() -> None:
        async with migrated_engine(current):
            pass

    run(migrate)
    for level, line in startup_notes(current, host, port):
        err.print(f"[yellow]warning:[/] {line}" if level >= 30 else line, markup=level >= 30)
    if workers == 1:
        from api.app import create_app

        uvicorn.run(
            create_app(current),
            host=host,
            port=port,
            proxy_headers=proxy_headers,
            forwarded_allow_ips=forwarded_allow_ips,
            log_level="info",
        )
        return
    # Several workers each build the app from the environment in their own process.
    uvicorn.run(
        "api.app:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=proxy_headers,
        forwarded_allow_ips=forwarded_allow_ips,
        log_level="info",
    )
