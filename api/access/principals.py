"""Who is calling: a named token holder with a role (and a partner's sources), or the public."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    """What a caller may see."""

    ANALYST = "analyst"
    PARTNER = "partner"
    COUNCILLOR = "councillor"
    PUBLIC = "public"


@dataclass(frozen=True)
class Principal:
    """The caller of a request: a named token holder, or the public."""

    name: str
    role: Role
    sources: tuple[str, ...] = ()  # partner only: the sources its agreement covers
    token_id: int | None = None


PUBLIC = Principal("public", Role.PUBLIC)


class AuthError(Exception):
    """A caller that is not let in: 401 (no valid credentials) or 403 (valid, but the role may not)."""

    def __init__(self, status: int, message: str) -> None:
        self.status = status
        self.message = message
        super().__init__(message)
