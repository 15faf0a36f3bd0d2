"""The real `curator` console script in a subprocess: exit codes and output as a user sees them."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

CURATOR = Path(sys.executable).parent / "curator"


def environment(**variables: str) -> dict[str, str]:
    """This process's environment without any CURATOR_ setting, plus `variables`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CURATOR_")}
    env.pop("DATABASE_URL", None)
    env.update(variables)
    env.setdefault("COLUMNS", "80")  # what a CI log's pseudo-width would be
    return env


def curator(
    *args: str,
    cwd: Path,
    env: dict[str, str] | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """Run `curator ARGS…` in `cwd`, stdout and stderr captured (neither is a terminal)."""
    return subprocess.run(
        [str(CURATOR), *args],
        cwd=cwd,
        env=env if env is not None else environment(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def start(*args: str, cwd: Path, env: dict[str, str]) -> asyncio.subprocess.Process:
    """Start `curator ARGS…` without waiting (the test's own sites keep serving meanwhile)."""
    return await asyncio.create_subprocess_exec(
        str(CURATOR),
        *args,
        cwd=cwd,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def finish(process: asyncio.subprocess.Process, within: float = 120) -> Finished:
    """Wait for a started command; its exit code and output."""
    stdout, stderr = await asyncio.wait_for(process.communicate(), within)
    assert process.returncode is not None
    return Finished(process.returncode, stdout.decode(), stderr.decode())


async def curator_async(*args: str, cwd: Path, env: dict[str, str]) -> Finished:
    """`curator ARGS…` from a test whose event loop serves the sites it checks."""
    return await finish(await start(*args, cwd=cwd, env=env))


@dataclass(frozen=True)
class Finished:
    """A command's exit code and output (as subprocess.CompletedProcess names them)."""

    returncode: int
    stdout: str
    stderr: str
