"""The `curator` console script (`curator.__main__:main`), and `python -m curator` for an
environment without it on PATH."""

import gc


def main() -> None:
    """Entry point of the `curator` console script.

    The collector is paused while the CLI's own modules load (typer, pydantic, the settings,
    every command's options): hundreds of thousands of objects that live as long as the
    process, which collections would otherwise walk as they load (about 60 ms of every
    command). `curator.cli.app.own_process` sets them aside and resumes it."""
    gc.disable()
    from curator.cli import main as run

    run()


if __name__ == "__main__":
    main()
