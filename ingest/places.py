"""What a council export's rows can be placed against: postcode centroids and the store's wards."""

from __future__ import annotations

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
    by_name: dict[str, tuple[str, list[str]]] = {}  # name -> (first boundary set holding it, its codes there)
    for w in wards:
        held_in, named = by_name.setdefault(normalise_label(str(w["name"])), (str(w["boundary_set"]), []))
        if str(w["boundary_set"]) == held_in and str(w["code"]) not in named:
            named.append(str(w["code"]))
    return Places(load_postcodes(postcode_paths), codes, {k: tuple(v[1]) for k, v in by_name.items()})
