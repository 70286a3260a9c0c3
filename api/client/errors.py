"""The error a client raises when the service answers with a problem."""

from __future__ import annotations

import httpx
from pydantic import ValidationError

from api.http.errors import Problem, ProblemItem


class ApiError(Exception):
    """The service did not do what was asked: its status and its problem detail (and each parameter's problem)."""

    def __init__(self, status: int, detail: str, errors: list[ProblemItem] | None = None) -> None:
        super().__init__(f"{status}: {detail}")
        self.status = status
        self.detail = detail
        self.errors = errors or []


def problem_of(response: httpx.Response) -> ApiError:
    """The error for an answer that is not 2xx, with the API's problem JSON when the body is one (else its text)."""
    try:
        problem = Problem.model_validate_json(response.content)
    except ValidationError:
        text = response.text.strip()[:500] or response.reason_phrase
        return ApiError(response.status_code, text)
    return ApiError(response.status_code, problem.detail, problem.errors)
