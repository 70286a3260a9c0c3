"""The disclosure audit (api.access.attacks): differencing every published table recovers no more exact counts than
a blind guess, while the same attacks give away every count the weak rule it replaced published."""

from __future__ import annotations

from collections.abc import Iterable

import pytest
from fastapi.testclient import TestClient

from api.access.attacks import AttackResult, audit, run_attacks, run_joint_attack
from api.access.disclosure import DisclosureRule
from api.services.reference import WardCache

RULE = DisclosureRule()


def _by_kind(results: Iterable[AttackResult], attack: str) -> dict[str, AttackResult]:
    return {r.targets: r for r in results if r.attack == attack}


@pytest.fixture(scope="module")
def results(app_client: TestClient) -> list[AttackResult]:
    con = app_client.app.state.con.cursor()  # type: ignore[attr-defined]
    try:
        return audit(con, RULE, WardCache())
    finally:
        con.close()


def test_differencing_every_published_table_recovers_no_more_than_a_blind_guess(results: list[AttackResult]) -> None:
    posterior = _by_kind(results, "posterior")
    assert posterior["suppressed, not zero"].n >= 1000 and posterior["published"].n >= 50
    assert posterior["published"].recovered < 0.5  # the weak rule gave every one of them away
    joint = _by_kind(results, "joint")  # every published group and window of a ward solved together
    assert joint["suppressed"].n >= 1000 and joint["published"].n >= 50
    for r in results:
        assert not r.beats_blind, r


class SuppressionOnly:
    """The rule AIM had before: small counts suppressed, every other count published exactly."""

    exact = False
    max_res = 8
    note = None
    sources_as = None

    def count(self, raw: int, key: int) -> int | None:
        return raw if raw >= RULE.threshold else None

    def total(self, parts: Iterable[tuple[int, int]]) -> int | None:
        return self.count(sum(n for n, _ in parts), 0)

    def describe(self) -> dict[str, object] | None:
        return None


def test_the_same_attacks_break_the_weak_rule_on_published_counts(app_client: TestClient) -> None:
    con = app_client.app.state.con.cursor()  # type: ignore[attr-defined]
    try:
        weak = run_attacks(con, RULE, WardCache(), figures=SuppressionOnly())
    finally:
        con.close()
    published = _by_kind(weak, "posterior")["published"]
    assert published.recovered == 1.0  # every published count, exactly


def test_the_joint_attack_reproduces_the_finding_on_the_table_published_before(app_client: TestClient) -> None:
    """Before, the strands were published beside asb (their sum) and windows running past the months held were
    answered. The joint attack on that table beats the guess from each count's own value, as found; but the guess
    from the count's value and its ward's year, which uses no algebra, does as well."""
    con = app_client.app.state.con.cursor()  # type: ignore[attr-defined]
    try:
        before = run_joint_attack(
            con,
            RULE,
            WardCache(),
            groups=("asb", "asb-personal", "asb-nuisance", "asb-environmental"),
            admit=lambda start, end, held: None,
        )
    finally:
        con.close()
    suppressed = _by_kind(before, "joint")["suppressed"]
    assert suppressed.n >= 2000
    assert suppressed.recovered > suppressed.value_only + suppressed.noise  # the finding
    assert not suppressed.beats_blind
