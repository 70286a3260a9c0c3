"""The periods a dose-response compares: by default the months delivered against as many months just before."""

from __future__ import annotations

from datetime import date

import pytest

from api.services.dose_response import DoseAsk, periods
from api.services.errors import ParameterError

ASK = DoseAsk(20, 9)


def test_the_after_period_is_the_months_delivered_and_the_before_as_many_just_before() -> None:
    jan, feb = date(2026, 1, 1), date(2026, 2, 1)
    assert periods(ASK, (date(2026, 1, 6), date(2026, 1, 19)), feb) == ((date(2025, 12, 1),) * 2, (jan, jan))
    across = periods(ASK, (date(2026, 1, 25), date(2026, 2, 7)), feb)
    assert across == ((date(2025, 11, 1), date(2025, 12, 1)), (jan, feb))
    named = DoseAsk(20, 9, after=(date(2025, 10, 1), date(2025, 12, 1)), before=(date(2025, 1, 1), date(2025, 6, 1)))
    assert periods(named, (jan, jan), feb) == (named.before, named.after)


@pytest.mark.parametrize(
    ("ask", "latest", "parameter"),
    [
        (ASK, date(2025, 12, 1), "after_to"),  # January 2026 not held yet
        (ASK, None, "after_to"),
        (
            DoseAsk(20, 9, after=(date(2025, 10, 1), date(2025, 12, 1)), before=(date(2025, 9, 1), date(2025, 10, 1))),
            date(2026, 1, 1),
            "before_to",
        ),
        (DoseAsk(20, 9, after=(date(2025, 12, 1), date(2025, 10, 1))), date(2026, 1, 1), "after_from"),
    ],
)
def test_periods_that_cannot_be_compared_are_refused(ask: DoseAsk, latest: date | None, parameter: str) -> None:
    with pytest.raises(ParameterError) as raised:
        periods(ask, (date(2026, 1, 6), date(2026, 1, 19)), latest)
    assert raised.value.parameter == parameter
