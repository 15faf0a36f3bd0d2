"""A domain alert says its dates as the report and the dashboard do ("3 Dec 2026")."""

from __future__ import annotations

from datetime import UTC, datetime

from curator.domain import Verdict
from curator.mail.alerts import _alert_text
from curator.registration.warnings import WarningKind, WatchWarning
from curator.settings import Settings
from curator.watch.warnings import WatchedResource


def test_an_alert_says_when_curator_first_saw_it_in_editors_words() -> None:
    warning = WatchWarning(
        WarningKind.REGISTRY_HOLD,
        "domain held.test is on registry hold (clientHold)",
        datetime(2026, 12, 3, 14, 2, tzinfo=UTC),
        {"domain": "held.test"},
    )
    resource = WatchedResource(
        resource_id=7,
        guide="sextortion",
        guide_title="Sextortion",
        key="helpline",
        title="The helpline",
        url="https://held.test/",
        kind="helpline",
        section=None,
        verdict=Verdict.OK,
        warnings=(warning,),
    )
    settings = Settings(database_url="sqlite:///:memory:")
    _, text, _ = _alert_text(settings, "held.test", warning.kind, [(resource, warning)])
    assert "curator first saw this on 3 Dec 2026." in text
