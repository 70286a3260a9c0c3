"""CaseReviewStore: ASB Case Review applications and the complaints each cites, on the case store's engine,
transactions, idempotency keys and audit (case_audit: entity "application", with the application's case when it has
one, so a case's erasure and anonymisation blank them with the case's).

Applications are special category data as cases are: every read and change is written with its audit row."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from api.database import schema as t
from api.database.cases import ANONYMISED, ERASED, Actor, CaseStore
from api.database.tasking import Once, Row, _now, _row

APPLICANT = ("applicant_name", "on_behalf_of", "address")


class CaseReviewStore(CaseStore):
    """Cases (CaseStore) and the Case Review applications made about them or about victims with no case."""

    def _log_application(
        self, c: Connection, actor: Actor, change: str, application_id: int, detail: Mapping[str, Any]
    ) -> None:
        a = t.case_review_applications
        case_id = c.execute(sa.select(a.c.case_id).where(a.c.id == application_id)).scalar()
        self._log(c, actor, change, "application", application_id, case_id, detail)

    def create_application(
        self,
        fields: Mapping[str, Any],
        complaints: Sequence[Mapping[str, Any]],
        actor: Actor,
        once: Once | None = None,
    ) -> int:
        """Insert an application with the complaints it cites in one transaction; returns its id."""

        def write(c: Connection) -> tuple[int, int | None]:
            now = _now()
            values = {"flag_ids": [], "recommendations": [], "note": "", "status": "received", **fields}
            aid = int(
                c.execute(
                    t.case_review_applications.insert().values(
                        **values, created_by=actor[0], created_at=now, updated_at=now
                    )
                ).inserted_primary_key[0]  # type: ignore[index]
            )
            for complaint in complaints:
                c.execute(t.case_review_complaints.insert().values(application_id=aid, **{"note": "", **complaint}))
            self._log_application(c, actor, "created", aid, {**fields, "complaints": len(complaints)})
            return aid, None

        return self._create("application", None, write, once)

    def applications(self) -> list[Row]:
        """Every application, oldest first (not audited: callers audit what they show)."""
        a = t.case_review_applications
        with self._read() as c:
            return [_row(r) for r in c.execute(a.select().order_by(a.c.id)).mappings()]

    def application(self, application_id: int) -> Row | None:
        """One application, or None."""
        a = t.case_review_applications
        with self._read() as c:
            row = c.execute(a.select().where(a.c.id == application_id)).mappings().first()
        return None if row is None else _row(row)

    def complaints(self, application_id: int | None = None) -> list[Row]:
        """The complaints an application cites (every application's when None), in order of their dates."""
        k = t.case_review_complaints
        query = k.select().order_by(k.c.application_id, k.c.complained_on, k.c.id)
        if application_id is not None:
            query = query.where(k.c.application_id == application_id)
        with self._read() as c:
            return [_row(r) for r in c.execute(query).mappings()]

    def update_application(self, application_id: int, changes: Mapping[str, Any], actor: Actor, change: str) -> None:
        """A step of the application (change: decided, reviewed, recommended, communicated, withdrawn, updated)."""
        a = t.case_review_applications
        with self._write() as c:
            c.execute(a.update().where(a.c.id == application_id).values(**changes, updated_at=_now()))
            self._log_application(c, actor, change, application_id, changes)

    def record_application_reads(
        self, actor: Actor, change: str, application_ids: Iterable[int], detail: Mapping[str, Any]
    ) -> None:
        """Audit a read: one row per application shown (read, listed, exported)."""
        with self._write() as c:
            for aid in application_ids:
                self._log_application(c, actor, change, aid, detail)

    def application_audit(self, application_id: int) -> list[Row]:
        """The audit of one application, oldest first."""
        a = t.case_audit
        query = a.select().where(a.c.entity == "application", a.c.entity_id == application_id).order_by(a.c.id)
        with self._read() as c:
            return [_row(r) for r in c.execute(query).mappings()]

    def erase_application(self, application_id: int, actor: Actor, why: str) -> bool:
        """Delete an application and its complaints; its audit rows stay with their details blanked, and one more
        records the erasure (why, and the application's reference). Whether there was one."""
        a, audit = t.case_review_applications, t.case_audit
        with self._write() as c:
            held = c.execute(sa.select(a.c.case_id, a.c.reference).where(a.c.id == application_id)).first()
            if held is None or not c.execute(a.delete().where(a.c.id == application_id)).rowcount:
                return False
            c.execute(
                audit.update()
                .where(audit.c.entity == "application", audit.c.entity_id == application_id)
                .values(detail=ERASED)
            )
            detail = {"why": why, "reference": held.reference}
            self._log(c, actor, "erased", "application", application_id, held.case_id, detail)
            return True

    def erased_application_references(self) -> set[str]:
        """The references of the applications erased (upper case), so a later load does not bring them back."""
        a = t.case_audit
        query = sa.select(a.c.detail).where(a.c.change == "erased", a.c.entity == "application")
        with self._read() as c:
            rows = c.execute(query).scalars()
            return {str(d["reference"]).upper() for d in rows if isinstance(d, dict) and d.get("reference")}

    def anonymise_application(self, application_id: int, actor: Actor, postcode: str | None) -> None:
        """Blank the applicant's personal data (the postcode cut to `postcode`) and the complaints' notes; the dates,
        bodies, status and recommendations stay for the yearly figures."""
        a, k, audit = t.case_review_applications, t.case_review_complaints, t.case_audit
        with self._write() as c:
            c.execute(
                a.update()
                .where(a.c.id == application_id)
                .values(
                    **dict.fromkeys(APPLICANT), postcode=postcode, summary="", anonymised_at=_now(), updated_at=_now()
                )
            )
            c.execute(k.update().where(k.c.application_id == application_id).values(note=""))
            c.execute(
                audit.update()
                .where(audit.c.entity == "application", audit.c.entity_id == application_id)
                .values(detail=ANONYMISED)
            )
            self._log_application(c, actor, "anonymised", application_id, {})

    def applications_finished_before(self, day: date, include_anonymised: bool = False) -> list[Row]:
        """Applications whose last step (outcome communicated, withdrawn, or a threshold not met decided) came before
        the day, with no case of their own (a case's applications go with the case)."""
        a = t.case_review_applications.c
        last = sa.func.coalesce(a.outcome_communicated, a.withdrawn, a.decided)
        finished = sa.or_(
            a.outcome_communicated.is_not(None), a.withdrawn.is_not(None), a.status == "threshold not met"
        )
        query = t.case_review_applications.select().where(a.case_id.is_(None), finished, last < day)
        if not include_anonymised:
            query = query.where(a.anonymised_at.is_(None))
        with self._read() as c:
            return [_row(r) for r in c.execute(query.order_by(a.id)).mappings()]
