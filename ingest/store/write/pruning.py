"""A condition that lets a scan skip the store's row groups of other months when it reads some partitions' rows.

Partition keys share their first bytes (`police:`), so their row-group statistics skip nothing; months do. The
months come from count_months, which is in step with the rows stored: before a write rebuilds it, it holds the
months of the partitions' stored rows (what a delete of them reads), and after, those of their new rows (what the
summaries read). Every row meant has one of them, so adding the condition never changes which rows are read.
"""

from __future__ import annotations


def in_their_months(partitions_sql: str, column: str = "month") -> str:
    """SQL: `column` is a month count_months holds for the partitions a fixed SQL fragment selects."""
    return f"{column} IN (SELECT month FROM count_months WHERE partition_key IN ({partitions_sql}))"  # noqa: S608
