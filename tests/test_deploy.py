"""The deployment as far as it can be tried without Docker: docker-compose.yml, the Dockerfile,
and README's settings table. Every service's command is a real `curator` command, every
variable a real setting, and the migrate service's command runs here against PostgreSQL.
"""

from __future__ import annotations

import asyncio
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
import yaml
from sqlalchemy.engine import make_url

from curator.settings import Settings
from tests.databases import (
    REPO,
    RUN_TOKEN,
    create_postgres_database,
    drop_postgres_database,
)
from tests.polling import wait_until

CURATOR = Path(sys.executable).parent / "curator"
COMPOSE = REPO / "docker-compose.yml"
DOCKERFILE = REPO / "Dockerfile"
SERVICES = ("postgres", "migrate", "api", "scheduler", "mailpit")
CURATOR_SERVICES = ("migrate", "api", "scheduler")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded = yaml.safe_load(COMPOSE.read_text())
    assert isinstance(loaded, dict)
    return loaded


def curator_commands(command: list[str]) -> list[list[str]]:
    """The `curator …` invocations of a service command (a list, or `sh -c "a && b"`)."""
    if command[:2] == ["sh", "-c"]:
        parts = [shlex.split(part) for part in command[2].split("&&")]
    else:
        parts = [command]
    assert all(part and part[0] == "curator" for part in parts), command
    return parts


def subcommand(argv: list[str]) -> list[str]:
    """The words naming the command (`db upgrade`), without options and their values."""
    words: list[str] = []
    for word in argv[1:]:
        if word.startswith("-"):
            break
        words.append(word)
    return words


def substitute(value: str, env: dict[str, str] | None = None) -> str:
    """Compose's `${NAME:-default}`: the environment's value, else the default."""
    env = env if env is not None else {}
    return re.sub(
        r"\$\{(\w+)(?::-([^}]*))?\}", lambda m: env.get(m.group(1), m.group(2) or ""), value
    )


def test_compose_has_every_service(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert set(SERVICES) <= set(services)
    postgres = services["postgres"]
    assert any(v.endswith(":/var/lib/postgresql/data") for v in postgres["volumes"])
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])
    assert compose["volumes"] == {"pgdata": None}
    assert services["migrate"]["restart"] == "no"
    for name in ("api", "scheduler"):
        needs = services[name]["depends_on"]
        assert needs["postgres"]["condition"] == "service_healthy"
        assert needs["migrate"]["condition"] == "service_completed_successfully"
    assert services["mailpit"]["image"].startswith("axllent/mailpit")


def test_the_scheduler_is_given_time_to_finish_in_flight_checks(compose: dict[str, Any]) -> None:
    scheduler = compose["services"]["scheduler"]
    grace = float(scheduler["environment"]["CURATOR_SHUTDOWN_GRACE_SECONDS"])
    stop_after = scheduler["stop_grace_period"]
    assert stop_after.endswith("s") and float(stop_after[:-1]) > grace
    assert scheduler["stop_signal"] == "SIGTERM"


@pytest.mark.parametrize("service", CURATOR_SERVICES)
def test_every_command_is_a_real_curator_command(compose: dict[str, Any], service: str) -> None:
    for argv in curator_commands(compose["services"][service]["command"]):
        words = subcommand(argv)
        result = subprocess.run(
            [str(CURATOR), *words, "--help"], capture_output=True, text=True, timeout=60
        )
        assert result.returncode == 0, (argv, result.stderr)
        # Every option the service passes is one the command has.
        for option in (w for w in argv if w.startswith("--")):
            assert option in result.stdout, (argv, option)


@pytest.mark.parametrize("service", CURATOR_SERVICES)
def test_every_variable_is_a_real_setting(compose: dict[str, Any], service: str) -> None:
    fields = set(Settings.model_fields)
    environment = compose["services"][service]["environment"]
    assert environment
    for name in environment:
        field = "database_url" if name == "DATABASE_URL" else name.removeprefix("CURATOR_").lower()
        assert name.startswith("CURATOR_") or name == "DATABASE_URL", name
        assert field in fields, name
    # And the values, defaults filled in, are settings curator accepts.
    values = {k: substitute(str(v)) for k, v in environment.items()}
    Settings(**{k.removeprefix("CURATOR_").lower(): v for k, v in values.items()})  # type: ignore[arg-type]


def test_the_dockerfile_builds_a_slim_non_root_image_of_curator() -> None:
    text = DOCKERFILE.read_text()
    lines = [
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    ]
    froms = [line.split()[1] for line in lines if line.startswith("FROM ")]
    assert froms and all(image == "python:3.11-slim" for image in froms)
    runtime = text.rsplit("FROM ", 1)[1]
    users = [line.split()[1] for line in runtime.splitlines() if line.startswith("USER ")]
    assert users and users[-1] not in ("root", "0")
    # What it copies exists; what it installs is this package.
    for line in lines:
        if line.startswith("COPY ") and "--from=" not in line:
            sources = [w for w in line.split()[1:-1] if not w.startswith("--")]
            for source in sources:
                assert (REPO / source).exists(), source
    assert "pip install ." in text
    cmd = next(line for line in reversed(lines) if line.startswith("CMD "))
    argv = yaml.safe_load(cmd.removeprefix("CMD "))
    assert argv[0] == "curator"
    result = subprocess.run(
        [str(CURATOR), *subcommand(argv), "--help"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr


def test_readme_documents_every_setting() -> None:
    readme = (REPO / "README.md").read_text()
    documented: set[str] = set()
    for line in readme.splitlines():
        if not line.startswith("| `"):
            continue
        first_cell = line.split("|")[1]
        names = re.findall(r"`([A-Z_]+)`", first_cell)
        prefix = ""
        for name in names:
            if name.startswith("_") and prefix:
                name = prefix + name
            elif "_" in name:
                prefix = name.rsplit("_", 1)[0]
            documented.add(name)
    missing = [
        field for field in Settings.model_fields if f"CURATOR_{field.upper()}" not in documented
    ]
    assert missing == []


@pytest.fixture
def compose_database() -> Iterator[str]:
    """An empty PostgreSQL database standing in for the compose file's `postgres` service."""
    name = f"curator_test_{RUN_TOKEN}_compose_{uuid.uuid4().hex[:6]}"
    url = create_postgres_database(name)
    try:
        yield url
    finally:
        drop_postgres_database(name)


def service_environment(compose: dict[str, Any], service: str, database_url: str) -> dict[str, str]:
    """The service's environment as it would be in the container, pointed at this machine:
    the database is the test's, and paths mounted from the repo are the repo's files."""
    spec = compose["services"][service]
    mounts = {}
    for volume in spec.get("volumes", []):
        host, container = volume.split(":")[:2]
        mounts[container] = str((REPO / host).resolve())
    env = {k: v for k, v in os.environ.items() if not k.startswith("CURATOR_")}
    env.pop("DATABASE_URL", None)
    for name, value in spec["environment"].items():
        text = substitute(str(value))
        env[name] = mounts.get(text, text)
    driver = make_url(database_url).set(drivername="postgresql+psycopg")
    env["DATABASE_URL"] = driver.render_as_string(hide_password=False)
    env["PATH"] = f"{CURATOR.parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def test_the_migrate_service_runs_here(compose: dict[str, Any], compose_database: str) -> None:
    env = service_environment(compose, "migrate", compose_database)
    command = compose["services"]["migrate"]["command"]
    run_migrate_service(compose, compose_database)
    with psycopg.connect(compose_database) as conn:
        guides = conn.execute("SELECT slug FROM guides").fetchall()
        resources = conn.execute("SELECT count(*) FROM resources").fetchone()
    assert guides == [("sextortion",)]
    assert resources is not None and resources[0] > 0
    # Running it again (every `docker compose up`) is harmless.
    again = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr


def run_migrate_service(compose: dict[str, Any], database_url: str) -> None:
    env = service_environment(compose, "migrate", database_url)
    result = subprocess.run(
        compose["services"]["migrate"]["command"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


async def test_the_api_and_scheduler_services_run_here(
    compose: dict[str, Any], compose_database: str, tmp_path: Path
) -> None:
    run_migrate_service(compose, compose_database)
    services = compose["services"]
    # The API's address is rewritten to a free loopback port: 0.0.0.0:8000 is the container's.
    port = free_port()
    api_argv = [
        "127.0.0.1" if word == "0.0.0.0" else str(port) if word == "8000" else word
        for word in services["api"]["command"]
    ]
    closed_port = free_port()
    # Nothing in this test may reach the real sites of resources.yaml: no check is due.
    with psycopg.connect(compose_database) as conn:
        for job_id in ("full_check", "confirm_check"):
            conn.execute(
                "INSERT INTO job_states (job_id, next_due_at)"
                " VALUES (%s, now() + interval '7 days')",
                (job_id,),
            )
    processes: list[asyncio.subprocess.Process] = []
    try:
        for name, argv in (("api", api_argv), ("scheduler", services["scheduler"]["command"])):
            env = service_environment(compose, name, compose_database)
            # The containers' mail server is mailpit's; here, a closed loopback port.
            env["CURATOR_SMTP_HOST"] = "127.0.0.1"
            env["CURATOR_SMTP_PORT"] = str(closed_port)
            with (tmp_path / f"{name}.log").open("wb") as log:
                processes.append(
                    await asyncio.create_subprocess_exec(
                        *argv, env=env, stdout=log, stderr=asyncio.subprocess.STDOUT
                    )
                )

        async def answers() -> bool:
            try:
                async with httpx.AsyncClient() as client:
                    response = await client.get(f"http://127.0.0.1:{port}/v1/guides")
            except httpx.TransportError:
                return False
            return response.status_code == 200

        async def scheduling() -> bool:
            with psycopg.connect(compose_database) as conn:
                row = conn.execute(
                    "SELECT last_finished_at FROM job_states WHERE job_id = 'due_sweep'"
                ).fetchone()
            return row is not None and row[0] is not None

        await wait_until(answers, within=60, what="the api service to answer")
        await wait_until(scheduling, within=60, what="the scheduler service to act")
        for process in processes:
            process.send_signal(signal.SIGTERM)
        async with asyncio.timeout(60):
            codes = [await process.wait() for process in processes]
        logs = {n: (tmp_path / f"{n}.log").read_text() for n in ("api", "scheduler")}
        # uvicorn shuts down gracefully, then re-raises SIGTERM (exit 143 in a container).
        assert codes[0] in (0, -signal.SIGTERM), logs["api"]
        assert "Finished server process" in logs["api"]
        assert codes[1] == 0, logs["scheduler"]
    finally:
        for process in processes:
            if process.returncode is None:
                process.kill()
