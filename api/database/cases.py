"""CaseStore: cases about people and households (special category data) in the deployment database, on the tasking
store's engine, transactions and idempotency keys.

Every change and every read of a case is written with its audit row (case_audit) in the same transaction. Erasure and
anonymisation keep the audit rows (who, role, when, what was done) but blank the personal data their details held.
Rows leave as plain dicts (dates as `date`, times as aware UTC `datetime`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from api.database import schema as t
from api.database.tasking import Once, Row, TaskingStore, _now, _row, write_audit

Actor = tuple[str, str]
ERASED = {"erased": "personal data removed"}
ANONYMISED = {"anonymised": "personal data removed under the retention rule"}
PERSONAL = ("subject_name", "date_of_birth", "address", "uprn")


class CaseStore(TaskingStore):
    """Cases, their linked incidents, interventions and SMART actions, repeat-victim flags, and the audit of every
    read and change of them."""

    @staticmethod
    def _log(
        c: Connection,
        actor: Actor,
        change: str,
        entity: str,
        entity_id: int | None,
        case_id: int | None,
        detail: Mapping[str, Any],
    ) -> None:
        write_audit(c, t.case_audit, actor, change, entity, entity_id, detail, case_id=case_id)

    # cases ---------------------------------------------------------------------------------------------------
    def create_case(
        self,
        fields: Mapping[str, Any],
        actor: Actor,
        incidents: Sequence[Mapping[str, Any]] = (),
        once: Once | None = None,
    ) -> int:
        """Insert a case with its first linked incidents in one transaction; returns its id."""

        def write(c: Connection) -> tuple[int, int | None]:
            now = _now()
            values = {"problem_ids": [], "places": [], "agencies": [], **fields}
            cid = int(
                c.execute(
                    t.cases.insert().values(**values, created_by=actor[0], created_at=now, updated_at=now)
                ).inserted_primary_key[0]  # type: ignore[index]
            )
            self._log(c, actor, "created", "case", cid, cid, fields)
            self._link(c, cid, incidents, actor)
            return cid, None

        return self._create("case", None, write, once)

    def cases(self) -> list[Row]:
        """Every case, oldest first (not audited: callers audit what they show)."""
        with self._read() as c:
            return [_row(r) for r in c.execute(t.cases.select().order_by(t.cases.c.id)).mappings()]

    def case(self, case_id: int) -> Row | None:
        """One case, or None."""
        with self._read() as c:
            row = c.execute(t.cases.select().where(t.cases.c.id == case_id)).mappings().first()
        return None if row is None else _row(row)

    def update_case(self, case_id: int, changes: Mapping[str, Any], actor: Actor, entity: str = "case") -> None:
        """Change a case's fields (entity: what the audit calls the change, e.g. risk)."""
        with self._write() as c:
            c.execute(t.cases.update().where(t.cases.c.id == case_id).values(**changes, updated_at=_now()))
            self._log(c, actor, "updated", entity, case_id, case_id, changes)

    def record_reads(
        self, actor: Actor, change: str, case_ids: Iterable[int], detail: Mapping[str, Any], entity: str = "case"
    ) -> None:
        """Audit a read: one row per case shown (change: read, listed, exported, ...; entity: what of it was read,
        the case or its audit)."""
        with self._write() as c:
            for cid in case_ids:
                self._log(c, actor, change, entity, cid, cid, detail)

    def record_flag_reads(self, actor: Actor, flags: Iterable[Mapping[str, Any]], detail: Mapping[str, Any]) -> None:
        """Audit the reading of repeat-victim flags: one row per flag shown (with its case, when confirmed)."""
        with self._write() as c:
            for flag in flags:
                self._log(c, actor, "listed", "flag", int(flag["id"]), flag.get("case_id"), detail)

    # linked incidents ----------------------------------------------------------------------------------------
    def _link(self, c: Connection, case_id: int, incidents: Sequence[Mapping[str, Any]], actor: Actor) -> list[int]:
        i = t.case_incidents
        held = {(r.feed, r.ref) for r in c.execute(sa.select(i.c.feed, i.c.ref).where(i.c.case_id == case_id)) if r.ref}
        made = []
        for incident in incidents:
            if incident.get("ref") and (incident["feed"], incident["ref"]) in held:
                continue
            iid = int(
                c.execute(
                    i.insert().values(case_id=case_id, **incident, linked_by=actor[0], linked_at=_now())
                ).inserted_primary_key[0]  # type: ignore[index]
            )
            held.add((incident["feed"], incident.get("ref")))
            self._log(
                c, actor, "linked", "incident", iid, case_id, {"feed": incident["feed"], "rule": incident["rule"]}
            )
            made.append(iid)
        return made

    def link_incidents(self, case_id: int, incidents: Sequence[Mapping[str, Any]], actor: Actor) -> list[int]:
        """Link incidents to a case (one already linked by its feed and reference is skipped); their new ids."""
        with self._write() as c:
            return self._link(c, case_id, incidents, actor)

    def unlink_incident(self, case_id: int, incident_id: int, actor: Actor) -> bool:
        """Take a linked incident off a case; whether there was one."""
        i = t.case_incidents
        with self._write() as c:
            gone = c.execute(i.delete().where(i.c.id == incident_id, i.c.case_id == case_id)).rowcount
            if gone:
                self._log(c, actor, "unlinked", "incident", incident_id, case_id, {})
            return bool(gone)

    def case_incidents(self, case_id: int | None = None) -> list[Row]:
        """A case's linked incidents (every case's when None), in order of linking."""
        i = t.case_incidents
        query = i.select().order_by(i.c.id)
        if case_id is not None:
            query = query.where(i.c.case_id == case_id)
        with self._read() as c:
            return [_row(r) for r in c.execute(query).mappings()]

    # interventions and actions -------------------------------------------------------------------------------
    def _add(
        self,
        table: sa.Table,
        entity: str,
        case_id: int,
        fields: Mapping[str, Any],
        actor: Actor,
        once: Once | None,
        stamps: Mapping[str, Any],
    ) -> int:
        def write(c: Connection) -> tuple[int, int | None]:
            rid = int(
                c.execute(
                    table.insert().values(case_id=case_id, **fields, created_by=actor[0], **stamps)
                ).inserted_primary_key[0]  # type: ignore[index]
            )
            self._log(c, actor, "created", entity, rid, case_id, fields)
            return rid, None

        return self._create(f"case {entity}", None, write, once)

    def _rows(self, table: sa.Table, case_id: int) -> list[Row]:
        with self._read() as c:
            rows = c.execute(table.select().where(table.c.case_id == case_id).order_by(table.c.id)).mappings()
            return [_row(r) for r in rows]

    def _change(
        self, table: sa.Table, entity: str, case_id: int, rid: int, changes: Mapping[str, Any], actor: Actor
    ) -> None:
        stamp = {"updated_at": _now()} if "updated_at" in table.c else {}
        with self._write() as c:
            c.execute(table.update().where(table.c.id == rid, table.c.case_id == case_id).values(**changes, **stamp))
            self._log(c, actor, "updated", entity, rid, case_id, changes)

    def add_intervention(self, case_id: int, fields: Mapping[str, Any], actor: Actor, once: Once | None = None) -> int:
        """A step of the escalation ladder taken on the case; returns its id."""
        return self._add(t.case_interventions, "intervention", case_id, fields, actor, once, {"created_at": _now()})

    def interventions(self, case_id: int) -> list[Row]:
        """A case's interventions in order of recording."""
        return self._rows(t.case_interventions, case_id)

    def update_intervention(self, case_id: int, rid: int, changes: Mapping[str, Any], actor: Actor) -> None:
        """Change an intervention (its outcome and dates)."""
        self._change(t.case_interventions, "intervention", case_id, rid, changes, actor)

    def add_case_action(self, case_id: int, fields: Mapping[str, Any], actor: Actor, once: Once | None = None) -> int:
        """A SMART action of the case; returns its id."""
        now = _now()
        return self._add(t.case_actions, "action", case_id, fields, actor, once, {"created_at": now, "updated_at": now})

    def case_actions(self, case_id: int) -> list[Row]:
        """A case's SMART actions in order of creation."""
        return self._rows(t.case_actions, case_id)

    def update_case_action(self, case_id: int, rid: int, changes: Mapping[str, Any], actor: Actor) -> None:
        """Change a case's action."""
        self._change(t.case_actions, "action", case_id, rid, changes, actor)

    # repeat-victim flags -------------------------------------------------------------------------------------
    def flags(self) -> list[Row]:
        """Every repeat-victim flag, oldest first."""
        f = t.repeat_flags
        with self._read() as c:
            return [_row(r) for r in c.execute(f.select().order_by(f.c.id)).mappings()]

    def flag(self, flag_id: int) -> Row | None:
        """One flag, or None."""
        f = t.repeat_flags
        with self._read() as c:
            row = c.execute(f.select().where(f.c.id == flag_id)).mappings().first()
        return None if row is None else _row(row)

    def keep_flags(self, found: Sequence[Mapping[str, Any]], actor: Actor) -> list[int]:
        """Keep the matches a scan found: new ones are flagged; a flag still awaiting its analyst gets the records as
        found now; a confirmed or dismissed one is left as decided. Returns the ids of the new flags."""
        f = t.repeat_flags
        made = []
        with self._write() as c:
            for match in found:
                now = _now()
                held = c.execute(
                    sa.select(f.c.id, f.c.status).where(f.c.rule == match["rule"], f.c.key == match["key"])
                ).first()
                if held is None:
                    fid = int(
                        c.execute(
                            f.insert().values(**match, status="flagged", note="", created_at=now, updated_at=now)
                        ).inserted_primary_key[0]  # type: ignore[index]
                    )
                    self._log(
                        c, actor, "created", "flag", fid, None, {"rule": match["rule"], "count": len(match["records"])}
                    )
                    made.append(fid)
                elif held.status == "flagged":
                    c.execute(f.update().where(f.c.id == held.id).values(**match, updated_at=now))
        return made

    def decide_flag(self, flag_id: int, changes: Mapping[str, Any], actor: Actor) -> None:
        """An analyst's decision on a flag: confirmed (with the case it belongs to) or dismissed."""
        f = t.repeat_flags
        with self._write() as c:
            c.execute(
                f.update()
                .where(f.c.id == flag_id)
                .values(**changes, decided_by=actor[0], decided_at=_now(), updated_at=_now())
            )
            self._log(c, actor, "decided", "flag", flag_id, changes.get("case_id"), changes)

    # audit, retention and erasure ----------------------------------------------------------------------------
    def case_audit(self, case_id: int | None = None) -> list[Row]:
        """The audit of every read and change (of one case when given), oldest first."""
        a = t.case_audit
        query = a.select().order_by(a.c.id)
        if case_id is not None:
            query = query.where(a.c.case_id == case_id)
        with self._read() as c:
            return [_row(r) for r in c.execute(query).mappings()]

    def erase_case(self, case_id: int, actor: Actor, why: str) -> bool:
        """Delete a case with everything linked to it (its Case Review applications too) and the repeat flags confirmed
        as its own; the audit rows stay
        with their personal details blanked, and one more says it was erased, and its reference in the
        case-management system (so a later load of the same export does not bring it back). Whether there was a
        case."""
        a, f = t.case_audit, t.repeat_flags
        with self._write() as c:
            reference = c.execute(sa.select(t.cases.c.reference).where(t.cases.c.id == case_id)).scalar()
            gone = c.execute(t.cases.delete().where(t.cases.c.id == case_id)).rowcount
            if not gone:
                return False
            flags = list(c.execute(sa.select(f.c.id).where(f.c.case_id == case_id)).scalars())
            if flags:
                c.execute(f.delete().where(f.c.id.in_(flags)))
            c.execute(a.update().where(a.c.case_id == case_id).values(detail=ERASED))
            detail = {"why": why, "flags": len(flags), "reference": reference}
            self._log(c, actor, "erased", "case", case_id, case_id, detail)
            return True

    def erased_references(self) -> set[str]:
        """The case-management references of the cases erased (upper case)."""
        a = t.case_audit
        with self._read() as c:
            rows = c.execute(sa.select(a.c.detail).where(a.c.change == "erased", a.c.entity == "case")).scalars()
            return {str(d["reference"]).upper() for d in rows if isinstance(d, dict) and d.get("reference")}

    def anonymise_case(self, case_id: int, actor: Actor, postcode: str | None) -> None:
        """Blank the personal data of a case, of its linked incidents and of its Case Review applications' applicants
        (the postcode cut to `postcode`); the case's dates, agencies, interventions and risk level stay for the
        figures."""
        i, a = t.case_incidents, t.case_audit
        with self._write() as c:
            c.execute(
                t.cases.update()
                .where(t.cases.c.id == case_id)
                .values(
                    **dict.fromkeys(PERSONAL),
                    postcode=postcode,
                    summary="",
                    places=[],
                    anonymised_at=_now(),
                    updated_at=_now(),
                )
            )
            c.execute(i.update().where(i.c.case_id == case_id).values(address=None, uprn=None, note=""))
            r = t.case_review_applications
            blank = {"applicant_name": None, "on_behalf_of": None, "address": None, "summary": ""}
            c.execute(r.update().where(r.c.case_id == case_id).values(**blank, postcode=postcode, anonymised_at=_now()))
            c.execute(a.update().where(a.c.case_id == case_id).values(detail=ANONYMISED))
            self._log(c, actor, "anonymised", "case", case_id, case_id, {})

    def closed_before(self, day: date, include_anonymised: bool = False) -> list[Row]:
        """Closed cases closed before the day (not yet anonymised, unless include_anonymised)."""
        k = t.cases.c
        query = t.cases.select().where(k.status == "closed", k.closed < day)
        if not include_anonymised:
            query = query.where(k.anonymised_at.is_(None))
        with self._read() as c:
            return [_row(r) for r in c.execute(query.order_by(k.id)).mappings()]
