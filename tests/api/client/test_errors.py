"""ApiError from an answer: the API's problem body, or the text of a body that is not one (e.g. a proxy's page)."""

from __future__ import annotations

import httpx

from api.client.errors import problem_of


def test_a_problem_body_gives_its_detail_and_parameters() -> None:
    body = {"status": 422, "detail": "top: must be at least 1", "errors": [{"parameter": "top", "message": "x"}]}
    error = problem_of(httpx.Response(422, json=body))
    assert (error.status, error.detail, [e.parameter for e in error.errors]) == (
        422,
        "top: must be at least 1",
        ["top"],
    )
    assert str(error) == "422: top: must be at least 1"


def test_another_body_gives_its_text_or_the_reason() -> None:
    proxied = problem_of(httpx.Response(502, text="  upstream went away \n"))
    assert (proxied.status, proxied.detail, proxied.errors) == (502, "upstream went away", [])
    assert problem_of(httpx.Response(503)).detail == "Service Unavailable"
