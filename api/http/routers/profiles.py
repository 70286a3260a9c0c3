"""Profiles sent to a running service: a council's new export onboarded without stopping it (then checked with
POST /api/v1/ingest/{profile}?dry_run=true and loaded without dry_run)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request

from api.http.deps import SettingsDep
from api.http.models.base import plain
from api.http.models.profiles import FeedProfiles, ProfileKept
from api.services.errors import ParameterError
from api.services.profiles import list_profiles, save_profile

router = APIRouter(prefix="/api/v1", tags=["ingest"])


@router.get("/profiles", response_model=FeedProfiles, **plain)
def profiles(settings: SettingsDep) -> dict[str, Any]:
    """Every feed the service loads: police.uk, the shipped profiles and those sent to it."""
    return {"profiles": list_profiles(settings.profiles_path())}


@router.put("/profiles/{name}", response_model=ProfileKept, **plain)
async def put_profile(
    request: Request,
    settings: SettingsDep,
    name: Annotated[str, Path(description="The profile's own `name` (lower-case letters, digits, hyphens)")],
) -> dict[str, Any]:
    """Keep a profile (the request body: its TOML text, as in ingest/profiles/cleveland-wardens.toml) so files can
    be checked and loaded through it; the TOML is checked first and a bad one is refused with every problem."""
    body = await request.body()
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ParameterError("body", "a profile is UTF-8 TOML text") from exc
    profile = save_profile(settings.profiles_path(), name, text)
    return {"name": profile.name, "source": profile.source, "kept": True}
