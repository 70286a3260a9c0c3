"""What a council export's rows can be placed against: postcode centroids and the store's wards."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from ingest.geocode import load_postcodes
from ingest.profile_rows import Places
from ingest.profiles import normalise_label
from ingest.store.boundaries import ward_names
from ingest.store.connection import Connection


def store_places(con: Connection, postcode_paths: list[Path]) -> Places:
    """Postcodes from Code-Point Open files plus every ward code and name the store holds.

    A ward name resolves within the first boundary set that holds it (the default set first); a name held by
    more than one ward of that set is ambiguous.
    """
    wards = ward_names(con).to_pylist()
    codes = frozenset(str(w["code"]) for w in wards)
    by_set_name: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    order: list[str] = []
    for w in wards:
        key = normalise_label(str(w["name"]))
        if key not in order:
            order.append(key)
        by_set_name[key][str(w.get("boundary_set", ""))].append(str(w["code"]))
    by_name = {k: tuple(dict.fromkeys(next(iter(by_set_name[k].values())))) for k in order}
    return Places(load_postcodes(postcode_paths), codes, by_name)
