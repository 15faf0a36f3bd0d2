"""The RDAP bootstrap file: the bundled snapshot, another named by a setting, the refresh."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
import respx
from pydantic import ValidationError

from curator.errors import SettingsError
from curator.registration.bootstrap import (
    IANA_DNS_BOOTSTRAP,
    load_bootstrap,
    main,
    parse_bootstrap,
)
from curator.settings import Settings
from tests.registration import answers


def test_bundled_snapshot_knows_the_common_registries() -> None:
    bootstrap = load_bootstrap()
    assert bootstrap.servers("charity.com") == ("https://rdap.verisign.com/com/v1/",)
    assert bootstrap.servers("helpline.org")[0].startswith("https://")
    assert bootstrap.servers("charity.org.uk") == ("https://rdap.nominet.uk/uk/",)
    assert bootstrap.servers("charity.invalid") == ()


def test_longest_suffix_wins_and_https_first() -> None:
    bootstrap = parse_bootstrap(
        {
            "services": [
                [["uk"], ["https://uk.example/"]],
                [["gov.uk"], ["http://gov.example", "https://gov.example/"]],
            ]
        },
        "t",
    )
    assert bootstrap.servers("police.gov.uk") == ("https://gov.example/", "http://gov.example/")
    assert bootstrap.servers("charity.org.uk") == ("https://uk.example/",)


@pytest.mark.parametrize(
    ("document", "problem"),
    [
        ({}, "no 'services' list"),
        ({"services": [["com"]]}, "services[0]: must be"),
        ({"services": [[["com"], ["ftp://x/"]]]}, "services[0]: base URLs must be http(s)"),
    ],
)
def test_bad_file_names_file_and_entry(document: object, problem: str) -> None:
    with pytest.raises(SettingsError) as raised:
        parse_bootstrap(document, "mine.json")
    assert str(raised.value).startswith("mine.json: ")
    assert problem in str(raised.value)


def test_setting_names_another_file(tmp_path: Path) -> None:
    path = tmp_path / "dns.json"
    path.write_text(json.dumps(answers.BOOTSTRAP))
    settings = Settings(rdap_bootstrap=path)
    assert settings.rdap_bootstrap_file().servers("x.org.uk") == (answers.NOMINET,)


def test_setting_with_an_unusable_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "dns.json"
    path.write_text("{not json")
    with pytest.raises(ValidationError, match="not JSON"):
        Settings(rdap_bootstrap=path)
    with pytest.raises(ValidationError, match="cannot read"):
        Settings(rdap_bootstrap=tmp_path / "missing.json")


@respx.mock
def test_refresh_writes_the_downloaded_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    respx.get(IANA_DNS_BOOTSTRAP).mock(return_value=httpx.Response(200, json=answers.BOOTSTRAP))
    output = tmp_path / "dns.json"
    assert main(["--output", str(output)]) == 0
    assert load_bootstrap(output).servers("a.com") == (answers.VERISIGN,)
    assert "4 domain suffixes" in capsys.readouterr().out


@respx.mock
def test_refresh_keeps_the_old_file_when_the_download_is_bad(tmp_path: Path) -> None:
    respx.get(IANA_DNS_BOOTSTRAP).mock(return_value=httpx.Response(200, text="<html>"))
    output = tmp_path / "dns.json"
    output.write_text("old")
    assert main(["--output", str(output)]) == 4
    assert output.read_text() == "old"
