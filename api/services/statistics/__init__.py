"""The statistics a study area can be given (api.services.statistics.registry), each declared in its own module;
importing this package registers them, in the order the map draws them (a new statistic: its module, and a line in
BUILT_IN)."""

from __future__ import annotations

from api.services.statistics import concentration, delivery, emerging, facilities, gi, near_repeat, plan, repeats
from api.services.statistics.registry import (
    Drawing,
    Kind,
    Layer,
    Legend,
    OgcCollection,
    PackSection,
    Parameter,
    Properties,
    Statistic,
    View,
    register,
    registered,
    statistic,
    unregister,
)

BUILT_IN = (
    gi.GI,
    emerging.EMERGING,
    plan.PLAN,
    concentration.CONCENTRATION,
    repeats.REPEATS,
    near_repeat.NEAR_REPEAT,
    delivery.DELIVERY,
    facilities.FACILITY_RISK,
)
for _statistic in BUILT_IN:
    register(_statistic)

__all__ = [
    "BUILT_IN",
    "OgcCollection",
    "Drawing",
    "Kind",
    "Layer",
    "Legend",
    "PackSection",
    "Parameter",
    "Properties",
    "Statistic",
    "View",
    "register",
    "registered",
    "statistic",
    "unregister",
]
