"""The canonical category list: ASB by Home Office strand, the kinds councils log, and the related crime types.

Every incident carries one leaf category. Filters may also name a group (`asb`, a strand such as `asb-nuisance`,
`crime`), which stands for every leaf under it. The generic leaves (`asb`, `asb-personal`, ...) hold incidents
whose source records no finer type (police.uk ASB rows are all `asb`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Category(StrEnum):
    """Canonical leaf categories."""

    ASB = "asb"
    ASB_PERSONAL = "asb-personal"
    ASB_NUISANCE = "asb-nuisance"
    ASB_ENVIRONMENTAL = "asb-environmental"
    NEIGHBOUR_DISPUTE = "neighbour-dispute"
    HARASSMENT = "harassment-intimidation"
    NOISE = "noise"
    ROWDY = "rowdy-behaviour"
    STREET_DRINKING = "street-drinking"
    DRUG_RELATED = "drug-related"
    BEGGING = "begging-vagrancy"
    VEHICLE_NUISANCE = "vehicle-nuisance"
    FIREWORKS = "fireworks"
    ANIMAL_NUISANCE = "animal-nuisance"
    TRESPASS = "trespass"
    ABANDONED_VEHICLE = "abandoned-vehicle"
    GRAFFITI = "graffiti"
    VANDALISM = "vandalism"
    FLY_TIPPING = "fly-tipping"
    LITTERING = "littering"
    DOG_FOULING = "dog-fouling"
    FLY_POSTING = "fly-posting"
    DRUG_LITTER = "drug-litter"
    CRIMINAL_DAMAGE_ARSON = "criminal-damage-arson"
    PUBLIC_ORDER = "public-order"
    DRUGS = "drugs"
    VIOLENCE_SEXUAL = "violence-sexual"
    BURGLARY = "burglary"
    ROBBERY = "robbery"
    SHOPLIFTING = "shoplifting"
    THEFT_FROM_PERSON = "theft-from-person"
    BICYCLE_THEFT = "bicycle-theft"
    VEHICLE_CRIME = "vehicle-crime"
    OTHER_THEFT = "other-theft"
    WEAPONS = "possession-of-weapons"
    OTHER_CRIME = "other-crime"
    NOT_ASB = "not-asb"


@dataclass(frozen=True)
class CategoryInfo:
    """A leaf's label, family (asb, crime, other) and Home Office ASB strand (None outside ASB or unknown)."""

    label: str
    family: str
    strand: str | None = None


C = Category
TAXONOMY: dict[Category, CategoryInfo] = {
    C.ASB: CategoryInfo("Anti-social behaviour (type not recorded)", "asb"),
    C.ASB_PERSONAL: CategoryInfo("Personal ASB (type not recorded)", "asb", "personal"),
    C.ASB_NUISANCE: CategoryInfo("Nuisance ASB (type not recorded)", "asb", "nuisance"),
    C.ASB_ENVIRONMENTAL: CategoryInfo("Environmental ASB (type not recorded)", "asb", "environmental"),
    C.NEIGHBOUR_DISPUTE: CategoryInfo("Neighbour dispute / nuisance neighbours", "asb", "personal"),
    C.HARASSMENT: CategoryInfo("Harassment and intimidation (not a crime)", "asb", "personal"),
    C.NOISE: CategoryInfo("Noise", "asb", "nuisance"),
    C.ROWDY: CategoryInfo("Rowdy or inconsiderate behaviour", "asb", "nuisance"),
    C.STREET_DRINKING: CategoryInfo("Street drinking", "asb", "nuisance"),
    C.DRUG_RELATED: CategoryInfo("Drug-related ASB", "asb", "nuisance"),
    C.BEGGING: CategoryInfo("Begging and vagrancy", "asb", "nuisance"),
    C.VEHICLE_NUISANCE: CategoryInfo("Vehicle nuisance (nuisance driving, off-road bikes)", "asb", "nuisance"),
    C.FIREWORKS: CategoryInfo("Fireworks", "asb", "nuisance"),
    C.ANIMAL_NUISANCE: CategoryInfo("Animal nuisance (dogs, livestock)", "asb", "nuisance"),
    C.TRESPASS: CategoryInfo("Trespass and unauthorised encampments", "asb", "nuisance"),
    C.ABANDONED_VEHICLE: CategoryInfo("Abandoned vehicles", "asb", "environmental"),
    C.GRAFFITI: CategoryInfo("Graffiti", "asb", "environmental"),
    C.VANDALISM: CategoryInfo("Vandalism (not recorded as a crime)", "asb", "environmental"),
    C.FLY_TIPPING: CategoryInfo("Fly-tipping", "asb", "environmental"),
    C.LITTERING: CategoryInfo("Littering", "asb", "environmental"),
    C.DOG_FOULING: CategoryInfo("Dog fouling", "asb", "environmental"),
    C.FLY_POSTING: CategoryInfo("Fly-posting", "asb", "environmental"),
    C.DRUG_LITTER: CategoryInfo("Discarded needles and drug litter", "asb", "environmental"),
    C.CRIMINAL_DAMAGE_ARSON: CategoryInfo("Criminal damage and arson", "crime"),
    C.PUBLIC_ORDER: CategoryInfo("Public order", "crime"),
    C.DRUGS: CategoryInfo("Drugs", "crime"),
    C.VIOLENCE_SEXUAL: CategoryInfo("Violence and sexual offences", "crime"),
    C.BURGLARY: CategoryInfo("Burglary", "crime"),
    C.ROBBERY: CategoryInfo("Robbery", "crime"),
    C.SHOPLIFTING: CategoryInfo("Shoplifting", "crime"),
    C.THEFT_FROM_PERSON: CategoryInfo("Theft from the person", "crime"),
    C.BICYCLE_THEFT: CategoryInfo("Bicycle theft", "crime"),
    C.VEHICLE_CRIME: CategoryInfo("Vehicle crime", "crime"),
    C.OTHER_THEFT: CategoryInfo("Other theft", "crime"),
    C.WEAPONS: CategoryInfo("Possession of weapons", "crime"),
    C.OTHER_CRIME: CategoryInfo("Other crime", "crime"),
    C.NOT_ASB: CategoryInfo("Not ASB (other service requests: potholes, lighting, ...)", "other"),
}

CATEGORY_LABELS: dict[Category, str] = {c: info.label for c, info in TAXONOMY.items()}

STRANDS = ("personal", "nuisance", "environmental")

# Groups a filter may name, each standing for its leaves.
GROUPS: dict[str, tuple[str, ...]] = {
    "asb": tuple(c.value for c, i in TAXONOMY.items() if i.family == "asb"),
    **{f"asb-{s}": tuple(c.value for c, i in TAXONOMY.items() if i.strand == s) for s in STRANDS},
    "crime": tuple(c.value for c, i in TAXONOMY.items() if i.family == "crime"),
}
GROUP_LABELS: dict[str, str] = {
    "asb": "All anti-social behaviour",
    "asb-personal": "Personal ASB (all types)",
    "asb-nuisance": "Nuisance ASB (all types)",
    "asb-environmental": "Environmental ASB (all types)",
    "crime": "All crime types",
}

# Crime types that the same event may be recorded as by another agency (police crime vs council ASB record).
RELATED: frozenset[frozenset[str]] = frozenset(
    frozenset(pair)
    for pair in (
        (C.CRIMINAL_DAMAGE_ARSON, C.VANDALISM),
        (C.CRIMINAL_DAMAGE_ARSON, C.GRAFFITI),
        (C.PUBLIC_ORDER, C.ROWDY),
        (C.PUBLIC_ORDER, C.HARASSMENT),
        (C.PUBLIC_ORDER, C.NEIGHBOUR_DISPUTE),
        (C.DRUGS, C.DRUG_RELATED),
        (C.DRUGS, C.DRUG_LITTER),
        (C.DRUG_RELATED, C.DRUG_LITTER),
        (C.VEHICLE_CRIME, C.ABANDONED_VEHICLE),
    )
)

FILTER_CHOICES: tuple[str, ...] = tuple(dict.fromkeys([*GROUPS, *(c.value for c in Category)]))


def expand_categories(values: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """The leaf categories that filter values (leaves or groups) stand for, in taxonomy order."""
    wanted: set[str] = set()
    for v in values:
        wanted.update(GROUPS.get(v, (v,)))
    return tuple(c.value for c in Category if c.value in wanted)


def context_categories(categories: tuple[str, ...]) -> tuple[str, ...]:
    """The crime types a category filter (leaves; empty: every category) leaves out: the context a forecast of the
    filtered incidents may lean on. Empty when the filter already takes every crime type."""
    if not categories:
        return ()
    return tuple(c for c in GROUPS["crime"] if c not in categories)


def compatible(a: str, b: str) -> bool:
    """Whether two leaf categories can describe the same event (for linking records across sources)."""
    if a == b or frozenset((a, b)) in RELATED:
        return True
    ia, ib = TAXONOMY.get(a), TAXONOMY.get(b)  # type: ignore[call-overload]  # StrEnum keys match their values
    if ia is None or ib is None or ia.family != "asb" or ib.family != "asb":
        return False
    if C.ASB in (a, b):
        return True
    strand_generic = {f"asb-{s}" for s in STRANDS}
    return (a in strand_generic or b in strand_generic) and ia.strand == ib.strand
