"""Each kind of statistic has its grant in the access policy; a kind the policy does not name is refused to every
role."""

from __future__ import annotations

from dataclasses import replace

import pytest

from api.access.capabilities import capabilities, sees_statistic
from api.access.policy import DEFAULT_POLICY, KIND_GRANTS, Grant, statistic_grant
from api.access.principals import Principal, Role
from api.services.statistics import Kind, registered


def _delivery() -> object:
    return next(s for s in registered() if s.kind == Kind.DELIVERY)


@pytest.mark.parametrize("role", list(Role))
def test_delivery_is_a_kind_for_analysts_only(role: Role) -> None:
    delivery = _delivery()
    expected = Grant.FULL if role == Role.ANALYST else Grant.DENIED
    assert KIND_GRANTS[Kind.DELIVERY].get(role, Grant.DENIED) == expected
    route = f"/ogc/collections/{delivery.collection.id}/items"  # type: ignore[attr-defined]
    assert DEFAULT_POLICY.grant(route, role) == expected
    caps = capabilities(Principal("x", role, ("warden",) if role == Role.PARTNER else ()), "/")
    assert (delivery.key in caps.statistics) is (role == Role.ANALYST)  # type: ignore[attr-defined]
    analyses = {s.key for s in registered() if s.kind == Kind.ANALYSIS}
    assert (analyses <= caps.statistics) is caps.analyses  # the map's analyses: as before


def test_a_kind_the_policy_does_not_name_is_denied_to_every_role() -> None:
    unknown = replace(registered()[0], key="unnamed", route=None, collection=None, kind="unnamed")
    assert statistic_grant(unknown) == {}
    assert not any(sees_statistic(DEFAULT_POLICY, role, unknown) for role in Role)
    later = replace(_delivery(), key="later", route=None, collection=None)  # type: ignore[type-var]
    assert [sees_statistic(DEFAULT_POLICY, role, later) for role in Role] == [r == Role.ANALYST for r in Role]
    assert not sees_statistic(DEFAULT_POLICY.with_role("auditor", like=Role.ANALYST), "auditor", later)


@pytest.mark.parametrize("role", list(Role))
def test_risky_facilities_of_the_kept_lists_are_a_kind_for_analysts_only(role: Role) -> None:
    facilities = next(s for s in registered() if s.kind == Kind.FACILITIES)
    expected = Grant.FULL if role == Role.ANALYST else Grant.DENIED
    assert KIND_GRANTS[Kind.FACILITIES].get(role, Grant.DENIED) == expected
    for route in (
        facilities.route,
        f"/ogc/collections/{facilities.collection.id}/items",  # type: ignore[union-attr]
        "/api/v1/facility-lists",
    ):
        assert DEFAULT_POLICY.grant(str(route), role) == expected
    caps = capabilities(Principal("x", role, ("warden",) if role == Role.PARTNER else ()), "/")
    assert (facilities.key in caps.statistics) is (role == Role.ANALYST)
