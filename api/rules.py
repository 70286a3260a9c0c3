"""The rules settings configure, built at the entry points and passed down: gaps, duplicates, disclosure, loads."""

from __future__ import annotations

from api.access.disclosure import DisclosureRule
from api.services.case_retention import RetentionRule
from api.services.case_review_threshold import ThresholdRule
from api.services.case_risk import RiskMatrix, load_matrix
from api.services.repeat_victims import RepeatRule
from api.settings import Settings
from geo.dosage import DosageRules
from geo.gaps import GapRule
from ingest.dedupe import LinkRule
from ingest.limits import Limits
from ingest.pipeline import IngestOptions

PLAN_RES = 9  # the patrol plan's cells (the tasking pack's and /api/v1/patrol-plan's default resolution)


def gap_rule(settings: Settings) -> GapRule:
    """The feed-gap rule with the thresholds from settings."""
    return GapRule(ratio=settings.gap_ratio, alpha=settings.gap_alpha)


def link_rule(settings: Settings) -> LinkRule:
    """The duplicate-linking rule from settings."""
    return LinkRule(
        distance_m=settings.dedupe_distance_m, hours=settings.dedupe_hours, month_only=settings.dedupe_month_only
    )


def disclosure_rule(settings: Settings) -> DisclosureRule:
    """The disclosure rule with the thresholds from settings."""
    return DisclosureRule(
        settings.sdc_threshold, settings.sdc_round, settings.sdc_max_res, tuple(settings.sdc_open_sources)
    )


def upload_limits(settings: Settings) -> Limits:
    """The most rows, and bytes once decompressed, one feed file may hold (uploaded or loaded from the CLI)."""
    return Limits(rows=settings.max_upload_rows, decompressed_bytes=settings.max_upload_decompressed_bytes)


def ingest_options(
    settings: Settings, dry_run: bool = False, replace_smaller: bool = False, name: str | None = None
) -> IngestOptions:
    """How files load: the duplicate rule, the postcode lookup, whether to roll back (a dry run), whether a file
    may replace a partition with far fewer rows than it holds, the size bounds, and the name an upload was sent as."""
    return IngestOptions(
        rule=link_rule(settings),
        postcodes=tuple(settings.postcodes),
        dry_run=dry_run,
        replace_smaller=replace_smaller,
        min_share=settings.replace_min_share,
        layout_drift=settings.layout_drift,
        limits=upload_limits(settings),
        name=name,
    )


def dosage_rules(settings: Settings) -> DosageRules:
    """The rules patrol dosage is counted under (docs/delivery.md), at the patrol plan's resolution."""
    return DosageRules(
        res=PLAN_RES,
        buffer_m=settings.delivery_buffer_m,
        merge_gap_s=settings.delivery_merge_gap_s,
        ping_gap_limit_s=settings.delivery_ping_gap_s,
        walking_pace_mps=settings.delivery_walking_mps,
        compliant_s=settings.delivery_compliant_s,
    )


def repeat_rule(settings: Settings) -> RepeatRule:
    """The repeat-victim rule from settings: how many records, within how many months, from how many feeds."""
    return RepeatRule(
        count=settings.repeat_victim_count,
        months=settings.repeat_victim_months,
        feeds=settings.repeat_victim_feeds,
        near_m=settings.repeat_victim_near_m,
    )


def risk_matrix(settings: Settings) -> RiskMatrix:
    """The partnership's victim risk matrix (its JSON file), or the standard questions."""
    return load_matrix(settings.case_risk_matrix)


def case_ladder(settings: Settings) -> tuple[str, ...]:
    """The steps of the escalation ladder of interventions."""
    return tuple(settings.case_ladder)


def retention_rule(settings: Settings) -> RetentionRule:
    """How long a closed case is kept, and whether it is then anonymised or deleted."""
    return RetentionRule(months=settings.case_retention_months, action=settings.case_retention_action)


def case_review_rule(settings: Settings) -> ThresholdRule:
    """The ASB Case Review threshold: how many qualifying complaints, and the two windows."""
    return ThresholdRule(
        count=settings.case_review_count,
        complaint_months=settings.case_review_complaint_months,
        window_months=settings.case_review_window_months,
    )
