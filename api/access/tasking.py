"""Who may see and change what in tasking, by the caller's grant on problems (api/access/capabilities.py): full,
everything (analysts); party, the problems it is party to (one of its sources or agencies named among the partners,
or owning an action: partners); wards, a summary of the problems in the wards their token covers, with no counts
(councillors); notes, only problems with a published progress note, and only those notes (the public)."""

from __future__ import annotations

from typing import Any

from api.access.capabilities import Capabilities
from api.access.policy import Grant
from api.access.principals import AuthError, Principal
from api.database.tasking import TaskingStore
from api.services import tasking as service
from api.services.errors import NotFoundError
from api.services.problem_area import area_ward_codes
from api.services.problem_profile import profile_for_sources
from api.services.tasking import describe_target

PARTNER_PROBLEM_FIELDS = {"status", "description"}


def party_to(principal: Principal, problem: dict[str, Any], actions: list[dict[str, Any]] | None = None) -> bool:
    """A partner is party to a problem when one of its sources (agencies) is named among the problem's partners or
    owns one of its actions."""
    mine = set(principal.sources)
    named = set(problem.get("partners") or []) | {a["owner_agency"] for a in actions or []}
    return bool(mine & named)


def may_see(
    caps: Capabilities,
    problem: dict[str, Any],
    actions: list[dict[str, Any]],
    wards: set[str],
    published: set[int],
) -> bool:
    """Whether the caller may know of the problem at all."""
    if caps.problems == Grant.FULL:
        return True
    if caps.problems == Grant.PARTY:
        return party_to(caps.principal, problem, actions)
    if caps.problems == Grant.WARDS:
        return bool(area_ward_codes(problem.get("area") or {}) & wards)
    return caps.problems == Grant.NOTES and problem["id"] in published


def require_change(caps: Capabilities, problem: dict[str, Any] | None = None, actions: list[Any] | None = None) -> None:
    """Refuse a change the caller may not make: a full grant changes anything (and opens problems); a party grant
    the problems it is party to."""
    if caps.problem_work == Grant.FULL:
        return
    if caps.problem_work == Grant.PARTY and problem is not None and party_to(caps.principal, problem, actions):
        return
    if not caps.signed_in:
        raise AuthError(*caps.refusal())
    raise AuthError(403, f"the {caps.principal.role} role may not change this")


def check_action_owner(caps: Capabilities, problem: dict[str, Any], actions: list[Any], owner: str | None) -> None:
    """An action's owner agency becomes a party to the problem: a party grant (a partner) may name only an agency
    already party to it, so it cannot widen who reads the problem; a full grant (analysts) brings new parties in."""
    if owner is None or caps.problem_work == Grant.FULL:
        return
    parties = set(problem.get("partners") or []) | {a["owner_agency"] for a in actions}
    if owner not in parties:
        raise AuthError(403, f"{owner!r} is not party to this problem: a partner may give actions only to its parties")


def check_partner_fields(caps: Capabilities, fields: set[str]) -> None:
    """A party to a problem (a partner) may change its status and description only."""
    if caps.problem_work == Grant.PARTY and not fields <= PARTNER_PROBLEM_FIELDS:
        raise AuthError(403, f"a partner may change a problem's {' and '.join(sorted(PARTNER_PROBLEM_FIELDS))} only")


def _area_names(problem: dict[str, Any]) -> list[str]:
    return [str(n["name"]) for n in (problem.get("area") or {}).get("names") or []]


def _published_notes(detail: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"note": r["note"], "created_at": r["created_at"]} for r in detail["reviews"] if r["published"]]


WARD_TOTALS_ONLY = "below analyst, delivery is shown as monthly ward totals only: never cells, days or times"
NO_DELIVERY = "below analyst, delivery is not shown here (AIM_DELIVERY_BELOW_ANALYST=none)"


def delivery_below_analyst(result: dict[str, Any], wards: bool) -> dict[str, Any]:
    """An evaluation's result without its cell and day dosage: the monthly totals of the problem's wards (`wards`)
    or no delivery at all; the delivery verdict goes too (it reads the response area's cells)."""
    delivery = result.get("delivery")
    if delivery is None:
        return result
    kept = {k: v for k, v in result.items() if k not in ("delivery", "delivery_verdict")}
    if wards:
        return kept | {"delivery": {"wards": list(delivery.get("wards") or []), "note": WARD_TOTALS_ONLY}}
    return kept | {"delivery": {"wards": [], "note": NO_DELIVERY}}


def _partner_evaluation(
    principal: Principal, detail: dict[str, Any], open_sources: set[str], delivery_wards: bool
) -> list[dict[str, Any]]:
    allowed = set(principal.sources) | open_sources
    counted = set(detail.get("sources") or [])
    if counted and counted <= allowed:
        return [
            {**e, "result": delivery_below_analyst(e["result"], delivery_wards)} if "result" in e else e
            for e in detail["evaluations"]
        ]
    return [
        {k: e[k] for k in ("id", "before_start", "before_end", "after_start", "after_end", "created_at")}
        | {"withheld": "the evaluation counts other agencies' records: ask the CSP analyst"}
        for e in detail["evaluations"]
    ]


def problem_view(
    caps: Capabilities, detail: dict[str, Any], open_sources: set[str], delivery_wards: bool = True
) -> dict[str, Any]:
    """What the caller sees of a problem it may see (below analyst, evaluations' delivery as monthly ward totals
    when `delivery_wards`, else none)."""
    if caps.problems == Grant.FULL:
        return detail
    if caps.problems == Grant.PARTY:
        allowed = set(caps.principal.sources) | open_sources
        profile = detail.get("profile")
        return {
            **detail,
            "profile": None if profile is None else profile_for_sources(profile, allowed),
            "evaluations": _partner_evaluation(caps.principal, detail, open_sources, delivery_wards),
        }
    summary = {
        "id": detail["id"],
        "category_group": detail["category_group"],
        "status": detail["status"],
        "wards": _area_names(detail),
        "opened": detail["opened"],
        "closed": detail["closed"],
        "progress_notes": _published_notes(detail),
    }
    if caps.problems == Grant.WARDS:
        summary |= {
            "title": detail["title"],
            "owner": detail["owner"],
            "partners": detail["partners"],
            "actions": [
                {
                    "what": a["what"],
                    "owner_agency": a["owner_agency"],
                    "start": a["start"],
                    "due": a["due"],
                    "status": a["status"],
                    "target": describe_target(a["target"]),
                }
                for a in detail["actions"]
            ],
            "note": "a summary: counts are for analysts and the partners party to the problem",
        }
    return summary


def list_view(caps: Capabilities, problem: dict[str, Any]) -> dict[str, Any]:
    """A problem's line in a list."""
    line = {
        "id": problem["id"],
        "category_group": problem["category_group"],
        "status": problem["status"],
        "wards": _area_names(problem),
        "opened": problem["opened"],
        "closed": problem["closed"],
    }
    if caps.problem_details:
        line |= {"title": problem["title"], "owner": problem["owner"], "partners": problem["partners"]}
    return line


def feature_view(caps: Capabilities, problem: dict[str, Any], counts: dict[str, int]) -> tuple[dict[str, Any], bool]:
    """A problem the caller may see as a map feature (the OGC collection `problems`): its properties, from its line
    in a list, and whether its own area is drawn. Analysts and the partners party to it see the area (it is in their
    view of the problem); councillors and the public the outline of the wards it lies in, whose names are all their
    views give. The public get no title, owner or action counts; councillors the counts of the actions their summary
    lists."""
    line = list_view(caps, problem)
    properties = {
        "id": line["id"],
        "title": line.get("title"),
        "status": line["status"],
        "category_group": line["category_group"],
        "owner": line.get("owner"),
        "wards": "; ".join(line["wards"]),
        "opened": None if line["opened"] is None else line["opened"].isoformat(),
        "closed": None if line["closed"] is None else line["closed"].isoformat(),
    }
    if not caps.problem_details:
        return {k: v for k, v in properties.items() if k not in ("title", "owner")}, False
    return properties | counts, caps.problem_areas


def _wards(store: TaskingStore, caps: Capabilities) -> set[str]:
    return store.councillor_wards(caps.principal.token_id) if caps.problems == Grant.WARDS else set()


def _published(store: TaskingStore, caps: Capabilities) -> set[int]:
    return store.published_problem_ids() if caps.problems == Grant.NOTES else set()


def visible_problems(
    store: TaskingStore, caps: Capabilities, with_actions: bool = False
) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """The problems the caller may know of, oldest first, each with its actions: read when asked for, and always for
    a party grant (they decide whether it is party to the problem); empty otherwise."""
    wards, published = _wards(store, caps), _published(store, caps)
    read_actions = with_actions or caps.problems == Grant.PARTY
    shown = []
    for p in sorted(store.problems(), key=lambda p: int(p["id"])):
        actions = store.actions(p["id"]) if read_actions else []
        if may_see(caps, p, actions, wards, published):
            shown.append((p, actions))
    return shown


def visible_problem(store: TaskingStore, caps: Capabilities, problem_id: int) -> dict[str, Any]:
    """The problem's detail, when the caller may know of it (NotFoundError otherwise: its existence is not told)."""
    detail = service.problem_detail(store, problem_id)
    if not may_see(caps, detail, detail["actions"], _wards(store, caps), _published(store, caps)):
        raise NotFoundError(f"no problem {problem_id}")
    return detail
