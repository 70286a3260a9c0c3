"""The source coverage page: one section per feed with its months, quarantine reasons, precision and gap flags."""

from __future__ import annotations

from html import escape
from typing import Any

from ingest.schema import PRECISION_LABELS

STATUS_LABELS = {"ok": "receiving", "gaps": "gaps flagged", "stopped": "stopped sending"}


def _precision(shares: dict[str, float]) -> str:
    return ", ".join(f"{escape(PRECISION_LABELS.get(p, p))} {s:.0%}" for p, s in shares.items()) or "–"


def _reasons(reasons: dict[str, int], top: int = 3) -> str:
    items = list(reasons.items())
    text = "; ".join(f"{escape(r)} ({n})" for r, n in items[:top])
    return text + (f"; {len(items) - top} more" if len(items) > top else "") if items else ""


def _month_rows(feed: dict[str, Any]) -> str:
    peak = max((m["loaded"] for m in feed["months"]), default=0) or 1
    rows = []
    for m in feed["months"]:
        gap = m["gap"]
        cls = f' class="aim-gap aim-gap-{gap["kind"]}"' if gap else ""
        flag = f"<strong>{escape(gap['kind'])}</strong>: {escape(gap['message'])}" if gap else ""
        width = round(100 * m["loaded"] / peak)
        rows.append(
            f"<tr{cls}><td>{m['month']}</td><td class='n'>{m['loaded']:,}</td>"
            f"<td><span class='aim-bar' style='width:{width}%'></span></td>"
            f"<td class='n'>{m['quarantined']:,}</td><td>{_reasons(m['quarantine_reasons'])}</td>"
            f"<td>{_precision(m['precision'])}</td><td>{flag}</td></tr>"
        )
    return "".join(rows)


def _feed_section(feed: dict[str, Any]) -> str:
    status = feed["status"]
    unknown = feed["quarantined_month_unknown"]
    undated = f" ({unknown:,} with no readable month)" if unknown else ""
    loaded_at = escape((feed["last_loaded"] or "never").replace("T", " "))
    return f"""
<section class="aim-feed" id="feed-{escape(feed["feed"])}">
  <h2>{escape(feed["feed"])} <small>source: {escape(feed["source"])}</small>
    <span class="aim-status aim-status-{status}">{STATUS_LABELS[status]}</span></h2>
  <p>{feed["loaded"]:,} rows held, {feed["first_month"]} to {feed["latest_month"]}; {feed["quarantined"]:,}
  quarantined{undated}. Last loaded {loaded_at} from {feed["files"]} file(s).
  Located: {_precision(feed["precision"])}.</p>
  <p>Quarantine reasons: {_reasons(feed["quarantine_reasons"], top=10) or "none"}</p>
  <table>
    <colgroup><col class="m"><col class="n"><col class="bar"><col class="q"><col><col class="loc"><col></colgroup>
    <thead><tr><th>Month</th><th>Rows</th><th></th><th>Quarantined</th><th>Why</th><th>Located</th><th>Flag</th></tr>
    </thead>
    <tbody>{_month_rows(feed)}</tbody>
  </table>
</section>"""


def render_sources_page(report: dict[str, Any]) -> str:
    """The report as a self-contained HTML page."""
    rule = report["gap_rule"]
    flagged = report["flagged"]
    summary = (
        f'<p class="aim-warn-line">{flagged} month(s) flagged across feeds: see the highlighted rows.</p>'
        if flagged
        else "<p>No gaps flagged.</p>"
    )
    sections = "".join(_feed_section(f) for f in report["feeds"]) or "<p>No feeds loaded yet.</p>"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>AIM · sources and data quality</title>
<link rel="stylesheet" href="/static/aim.css"></head>
<body class="aim-report">
<header><a href="/">← Map</a> · <a href="/api/v1/sources">JSON</a></header>
<h1>Sources and data quality</h1>
<p>Every feed held, month by month, up to {report["latest_month"] or "–"}: rows held, rows kept aside in quarantine
and why, and how precisely rows are located. A month is flagged when a feed <strong>stopped</strong> sending,
sent <strong>nothing</strong>, or sent far fewer rows than usual (<strong>low</strong>: under
{rule["ratio"]:.0%} of the median of the {rule["window_months"]} months before, and a Poisson probability under
{rule["alpha"]}); a mid-month export's last month is <strong>partial</strong>.</p>
{summary}{sections}
</body></html>"""
