"""TaskingStore: the tasking tables of the deployment database (api.database), read and written with SQLAlchemy Core.

Every change is written with its audit record (who, role, when, what) in the same transaction: a change is never
kept without its record, and a request's change is one transaction (a problem with its area and baseline profile).
A create may carry a client's idempotency key: a retry with the same key answers with what the first one made.
Rows leave as plain dicts (dates as `date`, times as aware UTC `datetime`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Self

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from api.database import DatabaseError, DatabaseUnavailable, missing_tables, open_engine, upgrade
from api.database import schema as t

Row = dict[str, Any]


class TaskingUnavailable(Exception):
    """The tasking database cannot be opened, migrated, read or written."""


class KeyReused(Exception):
    """An idempotency key sent again with a different request."""


@dataclass(frozen=True)
class Once:
    """A client's idempotency key for one create: who sent it, the key, and a fingerprint of the request."""

    who: str
    key: str
    request: str


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(value: Any) -> Any:
    return value.replace(tzinfo=UTC) if isinstance(value, datetime) and value.tzinfo is None else value


def _row(mapping: Any) -> Row:
    return {k: _aware(v) for k, v in mapping.items()}


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def write_audit(
    c: Connection,
    table: sa.Table,
    actor: tuple[str, str],
    change: str,
    entity: str,
    entity_id: int | None,
    detail: Mapping[str, Any],
    **owner: int | None,
) -> None:
    """One audit row (who, role, change, entity, detail, now) in an audit table, with the record it belongs to."""
    c.execute(
        table.insert().values(
            at=_now(),
            who=actor[0],
            role=actor[1],
            change=change,
            entity=entity,
            entity_id=entity_id,
            detail=_jsonable(dict(detail)),
            **owner,
        )
    )


class TaskingStore:
    """Problems, areas, baseline profiles, actions, reviews, evaluations and the audit of every change."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, url: str) -> Self:
        """Open the database at url (SQLAlchemy URL) through api.database: created when it is a missing SQLite file,
        migrated to the latest version (one process at a time)."""
        try:
            return cls(open_engine(url))
        except DatabaseUnavailable as exc:
            raise TaskingUnavailable(str(exc)) from exc

    def close(self) -> None:
        """Release the connections."""
        self.engine.dispose()

    @property
    def dialect(self) -> str:
        """sqlite or postgresql."""
        return self.engine.dialect.name

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        try:
            with self.engine.begin() as c:
                yield c
        except SQLAlchemyError as exc:
            raise self._failed("written", exc) from exc

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        try:
            with self.engine.connect() as c:
                yield c
        except SQLAlchemyError as exc:
            raise self._failed("read", exc) from exc

    def _failed(self, how: str, exc: SQLAlchemyError) -> TaskingUnavailable:
        """What a failed read or write says; a database found empty (dropped and created again while serving, or
        its tables gone) is migrated back to the latest version here, so the next request finds its tables."""
        detail = f"the tasking database cannot be {how}: {exc.__class__.__name__}"
        if not missing_tables(exc):  # a server away, a full disk, a key used: nothing to build
            return TaskingUnavailable(detail)
        try:
            rebuilt = upgrade(self.engine)
        except (SQLAlchemyError, DatabaseError, DatabaseUnavailable):
            return TaskingUnavailable(detail)
        if rebuilt:
            return TaskingUnavailable(f"{detail}; its tables were missing and have been created again, empty: retry")
        return TaskingUnavailable(detail)

    @staticmethod
    def _audit(
        c: Connection,
        actor: tuple[str, str],
        change: str,
        entity: str,
        entity_id: int | None,
        problem_id: int | None,
        detail: Mapping[str, Any],
    ) -> None:
        write_audit(c, t.tasking_audit, actor, change, entity, entity_id, detail, problem_id=problem_id)

    # problems ------------------------------------------------------------------------------------------------
    def create_problem(
        self,
        fields: Mapping[str, Any],
        area: Mapping[str, Any],
        actor: tuple[str, str],
        baseline: Mapping[str, Any] | None = None,
        once: Once | None = None,
    ) -> int:
        """Insert a problem, its area and its frozen baseline profile in one transaction; returns its id."""

        def write(c: Connection) -> tuple[int, int]:
            now = _now()
            pid = int(
                c.execute(
                    t.problems.insert().values(**fields, created_by=actor[0], created_at=now, updated_at=now)
                ).inserted_primary_key[0]  # type: ignore[index]
            )
            c.execute(t.problem_areas.insert().values(problem_id=pid, **area))
            self._audit(c, actor, "created", "problem", pid, pid, {**fields, "area": dict(area)})
            if baseline is not None:
                self._insert_profile(c, pid, "baseline", baseline, actor)
            return pid, pid

        return self._create("problem", None, write, once)

    def _create(
        self,
        entity: str,
        problem_id: int | None,
        write: Callable[[Connection], tuple[int, int | None]],
        once: Once | None,
    ) -> int:
        """Run a create in one transaction; with a key, remember it there, or (the key's row already there: its
        unique constraint refuses the transaction) answer with what the key made."""
        try:
            with self._write() as c:
                entity_id, pid = write(c)
                if once is not None:
                    c.execute(
                        t.idempotency_keys.insert().values(
                            who=once.who,
                            key=once.key,
                            request=once.request,
                            entity=entity,
                            entity_id=entity_id,
                            problem_id=pid if problem_id is None else problem_id,
                            created_at=_now(),
                        )
                    )
        except TaskingUnavailable as exc:
            if once is not None and isinstance(exc.__cause__, IntegrityError):  # the key was used: before, or at once
                made = self.made(once)
                if made is not None:
                    return made
            raise
        return entity_id

    def made(self, once: Once) -> int | None:
        """What an idempotency key made before (KeyReused when it came with another request)."""
        k = t.idempotency_keys
        with self._read() as c:
            row = c.execute(k.select().where(k.c.who == once.who, k.c.key == once.key)).mappings().first()
        if row is None:
            return None
        if row["request"] != once.request:
            raise KeyReused("this Idempotency-Key was sent before with a different request: use a new key")
        return int(row["entity_id"])

    def problems(self) -> list[Row]:
        """Every problem with its area (newest first)."""
        with self._read() as c:
            rows = c.execute(t.problems.select().order_by(t.problems.c.id.desc())).mappings().all()
            areas = {r["problem_id"]: _row(r) for r in c.execute(t.problem_areas.select()).mappings()}
        return [{**_row(r), "area": areas.get(r["id"])} for r in rows]

    def problem(self, problem_id: int) -> Row | None:
        """One problem with its area, or None."""
        with self._read() as c:
            row = c.execute(t.problems.select().where(t.problems.c.id == problem_id)).mappings().first()
            if row is None:
                return None
            area = c.execute(t.problem_areas.select().where(t.problem_areas.c.problem_id == problem_id)).mappings()
            return {**_row(row), "area": next((_row(a) for a in area), None)}

    def update_problem(self, problem_id: int, changes: Mapping[str, Any], actor: tuple[str, str]) -> None:
        """Change a problem's fields."""
        with self._write() as c:
            c.execute(t.problems.update().where(t.problems.c.id == problem_id).values(**changes, updated_at=_now()))
            self._audit(c, actor, "updated", "problem", problem_id, problem_id, changes)

    # profiles ------------------------------------------------------------------------------------------------
    def save_profile(self, problem_id: int, kind: str, profile: Mapping[str, Any], actor: tuple[str, str]) -> None:
        """Keep a profile (the baseline is written once, at opening)."""
        with self._write() as c:
            self._insert_profile(c, problem_id, kind, profile, actor)

    def _insert_profile(
        self, c: Connection, problem_id: int, kind: str, profile: Mapping[str, Any], actor: tuple[str, str]
    ) -> None:
        c.execute(
            t.problem_profiles.insert().values(
                problem_id=problem_id,
                kind=kind,
                profile=_jsonable(dict(profile)),
                created_by=actor[0],
                created_at=_now(),
            )
        )
        self._audit(c, actor, "frozen", "profile", problem_id, problem_id, {"kind": kind})

    def profile(self, problem_id: int, kind: str = "baseline") -> Row | None:
        """A problem's profile of that kind."""
        p = t.problem_profiles
        with self._read() as c:
            row = c.execute(p.select().where(p.c.problem_id == problem_id, p.c.kind == kind)).mappings().first()
        return None if row is None else _row(row)

    # actions -------------------------------------------------------------------------------------------------
    def add_action(
        self, problem_id: int, fields: Mapping[str, Any], actor: tuple[str, str], once: Once | None = None
    ) -> int:
        """Insert an action of a problem; returns its id."""

        def write(c: Connection) -> tuple[int, int]:
            now = _now()
            aid = int(
                c.execute(
                    t.actions.insert().values(
                        problem_id=problem_id, **fields, created_by=actor[0], created_at=now, updated_at=now
                    )
                ).inserted_primary_key[0]  # type: ignore[index]
            )
            self._audit(c, actor, "created", "action", aid, problem_id, fields)
            return aid, problem_id

        return self._create("action", problem_id, write, once)

    def actions(self, problem_id: int) -> list[Row]:
        """A problem's actions in order of creation."""
        a = t.actions
        with self._read() as c:
            rows = c.execute(a.select().where(a.c.problem_id == problem_id).order_by(a.c.id)).mappings().all()
        return [_row(r) for r in rows]

    def update_action(
        self, problem_id: int, action_id: int, changes: Mapping[str, Any], actor: tuple[str, str]
    ) -> None:
        """Change an action's fields."""
        a = t.actions
        with self._write() as c:
            c.execute(
                a.update().where(a.c.id == action_id, a.c.problem_id == problem_id).values(**changes, updated_at=_now())
            )
            self._audit(c, actor, "updated", "action", action_id, problem_id, changes)

    # reviews -------------------------------------------------------------------------------------------------
    def add_review(
        self, problem_id: int, fields: Mapping[str, Any], actor: tuple[str, str], once: Once | None = None
    ) -> int:
        """Insert a review note; returns its id."""

        def write(c: Connection) -> tuple[int, int]:
            rid = int(
                c.execute(
                    t.reviews.insert().values(problem_id=problem_id, **fields, author=actor[0], created_at=_now())
                ).inserted_primary_key[0]  # type: ignore[index]
            )
            self._audit(c, actor, "created", "review", rid, problem_id, fields)
            return rid, problem_id

        return self._create("review", problem_id, write, once)

    def reviews(self, problem_id: int) -> list[Row]:
        """A problem's review notes, oldest first."""
        r = t.reviews
        with self._read() as c:
            rows = c.execute(r.select().where(r.c.problem_id == problem_id).order_by(r.c.id)).mappings().all()
        return [_row(x) for x in rows]

    def published_problem_ids(self) -> set[int]:
        """Problems with at least one published progress note."""
        r = t.reviews
        with self._read() as c:
            return {int(x) for x in c.execute(sa.select(r.c.problem_id).where(r.c.published).distinct()).scalars()}

    # evaluations ---------------------------------------------------------------------------------------------
    def add_evaluation(
        self, problem_id: int, fields: Mapping[str, Any], actor: tuple[str, str], once: Once | None = None
    ) -> int:
        """Keep an evaluation's result; returns its id."""

        def write(c: Connection) -> tuple[int, int]:
            eid = int(
                c.execute(
                    t.evaluations.insert().values(
                        problem_id=problem_id,
                        **{**fields, "result": _jsonable(fields["result"])},
                        created_by=actor[0],
                        created_at=_now(),
                    )
                ).inserted_primary_key[0]  # type: ignore[index]
            )
            summary = {k: v for k, v in fields.items() if k != "result"}
            self._audit(c, actor, "created", "evaluation", eid, problem_id, summary)
            return eid, problem_id

        return self._create("evaluation", problem_id, write, once)

    def evaluation(self, problem_id: int, evaluation_id: int) -> Row | None:
        """One of a problem's evaluations, or None."""
        e = t.evaluations
        with self._read() as c:
            row = c.execute(e.select().where(e.c.id == evaluation_id, e.c.problem_id == problem_id)).mappings().first()
        return None if row is None else _row(row)

    def evaluations(self, problem_id: int) -> list[Row]:
        """A problem's evaluations, oldest first."""
        e = t.evaluations
        with self._read() as c:
            rows = c.execute(e.select().where(e.c.problem_id == problem_id).order_by(e.c.id)).mappings().all()
        return [_row(x) for x in rows]

    # councillors' wards ----------------------------------------------------------------------------------------
    def set_councillor_wards(self, token_id: int, ward_codes: list[str], actor: tuple[str, str]) -> None:
        """The wards a councillor's token covers (replacing any before)."""
        w = t.councillor_wards
        with self._write() as c:
            c.execute(w.delete().where(w.c.token_id == token_id))
            for code in dict.fromkeys(ward_codes):
                c.execute(w.insert().values(token_id=token_id, ward_code=code))
            self._audit(c, actor, "assigned", "councillor", token_id, None, {"wards": list(ward_codes)})

    def councillor_wards(self, token_id: int | None) -> set[str]:
        """The wards a councillor's token covers."""
        if token_id is None:
            return set()
        w = t.councillor_wards
        with self._read() as c:
            return set(c.execute(sa.select(w.c.ward_code).where(w.c.token_id == token_id)).scalars())

    # audit ---------------------------------------------------------------------------------------------------
    def audit(self, problem_id: int | None = None) -> list[Row]:
        """The audit of every change (of one problem when given), oldest first."""
        a = t.tasking_audit
        query = a.select().order_by(a.c.id)
        if problem_id is not None:
            query = query.where(a.c.problem_id == problem_id)
        with self._read() as c:
            return [_row(r) for r in c.execute(query).mappings()]
