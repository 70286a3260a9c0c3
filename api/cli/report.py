"""The one printer for ingest reports: a line per file, quarantine reasons with examples, and a summary table."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.markup import escape
from rich.table import Table

from api.cli.common import console, err

if TYPE_CHECKING:
    from ingest.pipeline import IngestReport

TOTALS = ("rows_read", "loaded", "replaced", "unchanged", "quarantined")


def print_report(report: IngestReport, dry_run: bool = False) -> None:
    """What one file's load did (or would do)."""
    verb = "would load" if dry_run else "loaded"
    console.print(
        f"[bold]{escape(report.file)}[/]: {report.status} · read {report.rows_read:,} · {verb} {report.loaded:,} · "
        f"replaced {report.replaced:,} · unchanged {report.unchanged:,} · quarantined {report.quarantined:,} · "
        f"{report.seconds:.1f}s",
        soft_wrap=True,
    )
    for reason, n in report.reasons.most_common():
        console.print(f"    quarantined {n:,}: {reason}", soft_wrap=True, markup=False)
    for line, reason in report.examples:
        console.print(f"      e.g. {report.file}, line {line}: {reason}", soft_wrap=True, markup=False)
    if report.unmapped:
        console.print("    [yellow]categories the profile does not map[/] (add them under \\[categories]):")
        for label, n in report.unmapped.most_common():
            console.print(f"      {label!r}: {n:,} rows", soft_wrap=True, markup=False)
    parts = report.partitions_new + report.partitions_replaced
    if parts:
        months = sorted({p.rsplit(":", 1)[-1] for p in parts})
        console.print(f"    months {'to write' if dry_run else 'written'}: {', '.join(months)}", soft_wrap=True)


def print_reports(reports: list[IngestReport], errors: list[str], dry_run: bool = False) -> None:
    """Every file's report, a summary when there are several, and the files that could not be loaded."""
    for r in reports:
        print_report(r, dry_run)
    if len(reports) > 1:
        total = Table(title="Ingest summary")
        for col in ("files", "rows read", "loaded", "replaced", "unchanged", "quarantined"):
            total.add_column(col, justify="right")
        total.add_row(str(len(reports)), *(f"{sum(getattr(r, k) for r in reports):,}" for k in TOTALS))
        console.print(total)
    for e in errors:
        err.print(f"[red]error[/]: {escape(e)} (nothing from this file was loaded)", soft_wrap=True, highlight=False)
