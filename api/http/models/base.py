"""The base of every response model, the members many answers share, GeoJSON geometries, and route helpers."""

from __future__ import annotations

from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

from api.http.formats import MEDIA


class Schema(BaseModel):
    """A response body. Members the model does not name are kept (never dropped), but every member AIM sends is
    named: the tests validate each answer with additional members refused."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)


def _no_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def absent(description: str, alias: str | None = None) -> Any:
    """A member that some answers leave out: not required, and no default in the schema (its type says whether it
    may be null when present)."""
    return Field(default=None, alias=alias, description=description, json_schema_extra=_no_default)


# keyword arguments of a route that returns a plain dict checked against its model: members a variant of the answer
# leaves out stay out (FastAPI writes the checked dict with pydantic's JSON serializer, as it did before the models)
plain: dict[str, Any] = {"response_model_exclude_unset": True}


def documented_as(models: dict[str, Any], *others: str) -> dict[int | str, dict[str, Any]]:
    """The 200 response of a route answering in several formats: each JSON format with its model or union of models
    (the route names them all in `response_model`, which puts them in the document's components; a route returning
    a Response is not validated against it) and the other formats' media types."""
    content: dict[str, Any] = {MEDIA[fmt]: {"schema": _refs(model)} for fmt, model in models.items()}
    content.update({MEDIA[fmt].split(";")[0]: {} for fmt in others})
    return {200: {"content": content, "description": " or ".join([*models, *others])}}


def _refs(model: Any) -> dict[str, Any]:
    """A JSON schema referring to a model's component, or to any of a union's."""
    refs = [{"$ref": f"#/components/schemas/{m.__name__}"} for m in get_args(model) or (model,)]
    return refs[0] if len(refs) == 1 else {"anyOf": refs}


class Period(Schema):
    """A span of months."""

    from_: str = Field(alias="from", description="First month, YYYY-MM")
    to: str = Field(description="Last month, YYYY-MM")
    note: str = absent(
        "A default period (no `to` asked for) that leaves out later months of some source: where it ends and why, "
        "at the latest month every core source (AIM_CORE_SOURCES, police.uk by default) holds"
    )


class HeldPeriod(Period):
    """A comparison period and whether the store holds it for every source counted."""

    held: bool = Field(description="False: the months are not held, so there is no previous count or change")


class Disclosure(Schema):
    """The disclosure control rule the counts went through."""

    table: Literal["open", "council"] = Field(
        description="open: police.uk open data counted as published; council: council records under the rule"
    )
    suppressed_below: int | None = Field(
        default=None, description="Council table: perturbed counts below this are not published (null)"
    )
    rounded_to: int | None = Field(
        default=None, description="Council table: counts are perturbed, then rounded to a multiple of this"
    )
    rule: str


class FiltersEcho(Schema):
    """The common filters as applied."""

    from_: str = Field(alias="from", description="First month, YYYY-MM")
    to: str = Field(description="Last month, YYYY-MM")
    category: list[str] = Field(description="Categories or groups asked for (`all`: every category)")
    source: list[str] = Field(description="Sources counted (`all`: every source)")
    dedupe: bool = Field(description="Records linked as one incident across sources counted once")
    wards: str = Field(description="Boundary set")
    disclosure: Disclosure | None = Field(description="The disclosure control rule; null: exact figures")


class StudyAreaEcho(Schema):
    """The study area of a statistic."""

    type: Literal["force", "csp", "lad", "all"]
    code: str | None = Field(description="Force, CSP or LAD code; null for every area with incidents")
    name: str


Position = list[float]


class Point(Schema):
    """A GeoJSON Point (longitude, latitude)."""

    type: Literal["Point"]
    coordinates: Position


class Polygon(Schema):
    """A GeoJSON Polygon (rings of longitude, latitude)."""

    type: Literal["Polygon"]
    coordinates: list[list[Position]]


class MultiPolygon(Schema):
    """A GeoJSON MultiPolygon."""

    type: Literal["MultiPolygon"]
    coordinates: list[list[list[Position]]]
