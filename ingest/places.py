"""What a council export's rows can be placed against: postcode centroids and the store's wards."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ingest.geocode import PostcodeIndex, load_postcodes
from ingest.profiles import normalise_label
from ingest.store.connection import Connection
from ingest.store.read.reference import ward_names


@dataclass(frozen=True)
class Places:
    """What rows can be placed against: postcode centroids and the store's wards (codes and names)."""

    postcodes: PostcodeIndex
    ward_codes: frozenset[str]
    ward_by_name: dict[str, tuple[str, ...]]  # normalised name -> codes (more than one: ambiguous)


@lru_cache(maxsize=4)
def _postcodes(files: tuple[tuple[str, int, int], ...]) -> PostcodeIndex:
    """The postcode index of these files (path, size, mtime): read once while they stay the same."""
    return load_postcodes([Path(f[0]) for f in files])


def postcode_index(paths: tuple[Path, ...]) -> PostcodeIndex:
    """Postcode centroids from Code-Point Open files or folders (read again only when a file changes)."""
    files = sorted(f for p in paths for f in ([p] if p.is_file() else p.glob("*.csv*")) if f.is_file())
    return _postcodes(tuple((str(f), f.stat().st_size, f.stat().st_mtime_ns) for f in files))


def _wards(con: Connection) -> tuple[frozenset[str], dict[str, tuple[str, ...]]]:
    """Every ward code the store holds, and ward names resolved within the first boundary set that holds them.

    The default set comes first; a name held by more than one ward of that set is ambiguous.
    """
    wards = ward_names(con).to_pylist()
    codes = frozenset(str(w["code"]) for w in wards)
    by_name: dict[str, tuple[str, list[str]]] = {}  # name -> (first boundary set holding it, its codes there)
    for w in wards:
        held_in, named = by_name.setdefault(normalise_label(str(w["name"])), (str(w["boundary_set"]), []))
        if str(w["boundary_set"]) == held_in and str(w["code"]) not in named:
            named.append(str(w["code"]))
    return codes, {k: tuple(v[1]) for k, v in by_name.items()}


def load_places(con: Connection, postcodes: tuple[Path, ...], with_postcodes: bool, with_wards: bool) -> Places:
    """What rows can be placed against: the postcode centroids of these files (when wanted) and the store's wards
    (when wanted)."""
    index = postcode_index(postcodes) if with_postcodes else load_postcodes([])
    codes, by_name = _wards(con) if with_wards else (frozenset(), {})
    return Places(index, codes, by_name)
