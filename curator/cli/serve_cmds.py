"""`curator serve`: the API (public lists, reports, editors' endpoints) under uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer

from curator.cli.app import app, err, migrated_engine, run, settings


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

    async def migrate() -> None:
        async with migrated_engine(current):
            pass

    run(migrate)
    err.print(f"curator API on http://{host}:{port} (docs at /docs)")
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
