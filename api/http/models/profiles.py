"""Feed profiles a running service loads through: the shipped ones and those analysts send it."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from api.http.models.base import Schema


class FeedProfile(Schema):
    """A feed the service loads."""

    name: str = Field(description="The feed's name, as POST /api/v1/ingest/{feed} takes it")
    source: str = Field(description="The source its records are counted under")
    kind: Literal["shipped", "sent"] = Field(description="Shipped with AIM, or sent to this service")


class FeedProfiles(Schema):
    """Every feed the service loads: police.uk, the shipped profiles and those sent to it."""

    profiles: list[FeedProfile]


class ProfileKept(Schema):
    """A profile checked and kept."""

    name: str
    source: str
    kept: Literal[True]
