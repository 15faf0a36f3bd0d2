"""The registration facts a parked verdict carries: a lapsed domain whose page now parks is
reported with what its registry says ("expired 2026-11-20, name servers now …")."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from curator.check.facts import Outcome
from curator.domain import Verdict
from curator.registration.warnings import DomainFacts, registration_evidence


def with_registration(outcome: Outcome, facts: DomainFacts | None, *, now: datetime) -> Outcome:
    """`outcome` with the domain's registration in its detail and evidence when it is a
    parked verdict and the registration is known; any other outcome unchanged."""
    if outcome.verdict is not Verdict.PARKED or facts is None or facts.looked_up_at is None:
        return outcome
    sentence, values = registration_evidence(facts, now=now)
    if not sentence:
        return outcome
    return replace(
        outcome,
        detail=f"{outcome.detail.rstrip()} {sentence}.",
        evidence={**outcome.evidence, "registration": values},
    )
