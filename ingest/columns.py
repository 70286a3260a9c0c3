"""Column helpers that compute once per distinct value of dictionary-encoded Arrow columns."""

from __future__ import annotations

from collections.abc import Callable

import pyarrow as pa
import pyarrow.compute as pc

ValueFn = Callable[[pa.Array], pa.Array]


def _chunks(column: pa.ChunkedArray | pa.Array) -> list[pa.Array]:
    return column.chunks if isinstance(column, pa.ChunkedArray) else [column]


def map_values(column: pa.ChunkedArray | pa.Array, fn: ValueFn) -> pa.ChunkedArray:
    """Apply fn to the distinct values of a dictionary column (keeping it encoded), or to a plain column."""
    out = []
    for chunk in _chunks(column):
        if isinstance(chunk, pa.DictionaryArray):
            out.append(pa.DictionaryArray.from_arrays(chunk.indices, fn(chunk.dictionary)))
        else:
            out.append(fn(chunk))
    return pa.chunked_array(out) if out else pa.chunked_array([], fn(pa.array([], pa.string())).type)


def per_row(column: pa.ChunkedArray | pa.Array, fn: ValueFn) -> pa.ChunkedArray:
    """fn computed once per distinct value of a dictionary column, then spread to every row (decoded)."""
    out = []
    for chunk in _chunks(column):
        if isinstance(chunk, pa.DictionaryArray):
            out.append(pc.take(fn(chunk.dictionary), chunk.indices))
        else:
            out.append(fn(chunk))
    return pa.chunked_array(out) if out else pa.chunked_array([], fn(pa.array([], pa.string())).type)


def decoded(column: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray:
    """A dictionary column as plain values."""
    return per_row(column, lambda values: values)
