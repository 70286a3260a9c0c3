"""The placebo audit of problem evaluations over one area and category: how often busy places where nothing was
done are called "fell" or "rose" at the 5% level, and how often an injected fall is found."""

from __future__ import annotations

from pydantic import Field

from api.http.models.base import Schema, StudyAreaEcho


class AuditRow(Schema):
    """One group of placebo problems."""

    group: str = Field(description="Area and window, or a size, category or the whole area")
    cases: int = Field(description="Placebo problems")
    fell: float = Field(description="Share called fell more than comparable places")
    rose: float = Field(description="Share called rose more than comparable places")
    called: float = Field(description="Share called either (5% expected when calibrated)")
    band_low: float = Field(description="Binomial 95% range of `called` around 5%, low")
    band_high: float
    within: bool = Field(description="`called` lies in the band")
    exact_poisson: float = Field(description="Share whose exact Poisson before/after interval excludes 1")
    power_20: float = Field(description="Share called fell with 20% of the after-period incidents removed")
    power_35: float = Field(description="Share called fell with 35% removed")


class PlaceboAudit(Schema):
    """The audit: per window, per size and overall."""

    area: StudyAreaEcho
    category: str
    placebo_problems_per_size: int = Field(description="Per window and size")
    seed: int
    method: str
    rows: list[AuditRow]
