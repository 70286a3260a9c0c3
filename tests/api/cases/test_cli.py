"""`aim cases load|scan|retention|subject-access|erase` on the demo store and the sample case-management export
(data/cases): the export's messy rows read as the cases they are, two repeat victims flagged, the retention rule
applied, a person's records exported and a case erased, each audited; on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from api.cli import app
from api.database.cases import CaseStore
from data.cases.make_sample import CASES

EXPORT = Path(__file__).resolve().parents[3] / "data" / "cases" / "ecins-case-export.csv"


def test_the_sample_export_from_load_to_erasure(demo_store: Path, database_url: str, tmp_path: Path) -> None:
    store = tmp_path / "demo.duckdb"
    shutil.copyfile(demo_store, store)
    runner = CliRunner()
    opts = ["--store", str(store), "--database", database_url]

    loaded = runner.invoke(app, ["cases", "load", str(EXPORT), *opts])
    assert loaded.exit_code == 0, loaded.output
    assert "6 cases loaded, 0 held already or erased; 24 rows read" in loaded.output  # 25 rows, one repeated
    again = runner.invoke(app, ["cases", "load", str(EXPORT), *opts])
    assert "0 cases loaded, 6 held already or erased" in again.output

    cases = CaseStore.open(database_url)
    try:
        held = {c["reference"]: c for c in cases.cases()}
        assert set(held) == {c["Case Ref"] for c in CASES}
        okonjo = held["ASB-25-0114"]  # a two-digit year of birth, a postcode in odd case, fields blank on some rows
        assert (okonjo["subject_kind"], okonjo["subject_role"], str(okonjo["date_of_birth"])) == (
            "household",
            "victim",
            "1951-03-14",
        )
        assert (okonjo["postcode"], okonjo["owner_agency"], okonjo["agencies"]) == (
            "TS1 5JF",
            "housing",
            ["council", "police"],
        )
        assert okonjo["risk"]["level"] == "high"
        bellamy = held["ASB-25-0098"]  # a UPRN a spreadsheet made a decimal; the whole ladder
        assert bellamy["uprn"] == "100110554210" and bellamy["subject_role"] == "perpetrator"
        steps = [(i["step"], i["outcome"]) for i in cases.interventions(bellamy["id"])]
        assert steps[0] == ("warning letter", "Breached") and steps[-1] == ("civil injunction", "Granted")
        assert len(steps) == 6
        linked = {(i["ref"], i["rule"], i["feed"]) for i in cases.case_incidents(bellamy["id"])}
        assert linked == {
            ("WDN/25/00112", "reference", "cleveland-wardens"),
            ("CRM-250356", "reference", "cleveland-council-crm"),
        }
        assert held["ASB-23-0441"]["status"] == "closed" and str(held["ASB-23-0441"]["closed"]) == "2023-11-02"
    finally:
        cases.close()

    scanned = runner.invoke(app, ["cases", "scan", *opts])
    assert scanned.exit_code == 0 and "2 new repeat-victim flags" in scanned.output, scanned.output
    cases = CaseStore.open(database_url)
    try:
        flags = {f["key"].split(" near ")[0]: [r["ref"] for r in f["records"]] for f in cases.flags()}
        assert flags == {
            "149 borough road": ["HSG/25/0412", "CRM-251118", "HSG/25/0488"],
            "102 high street": ["CRM-251059", "CRM-251089", "CLE/25/118922"],
        }
    finally:
        cases.close()

    # retention: on 2026-01-05, cases closed before 2024-01-05 (24 months) are anonymised
    kept = runner.invoke(app, ["cases", "retention", "--today", "2026-01-05", *opts])
    assert kept.exit_code == 0, kept.output
    cases = CaseStore.open(database_url)
    try:
        noble = next(c for c in cases.cases() if c["reference"] == "ASB-23-0441")
        assert (noble["subject_name"], noble["date_of_birth"], noble["address"], noble["postcode"]) == (
            None,
            None,
            None,
            "TS5",
        )
        assert noble["anonymised_at"] is not None and noble["risk"]["level"] == "standard"  # the figures stay
        assert all(i["address"] is None for i in cases.case_incidents(noble["id"]))
        firth = next(c for c in cases.cases() if c["reference"] == "ASB-25-0102")  # closed in 2025: kept
        assert firth["subject_name"] == "Mr G. Firth"
        audit = cases.case_audit(noble["id"])
        assert audit[-1]["change"] == "anonymised" and audit[-1]["who"] == "command line"
        assert "Noble" not in json.dumps([a["detail"] for a in audit])
    finally:
        cases.close()
    assert f"anonymised the cases closed before 2024-01-05: {noble['id']}" in kept.output

    out = tmp_path / "sar.json"
    sar = runner.invoke(app, ["cases", "subject-access", "--name", "miss r.  hallam", "--output", str(out), *opts])
    assert sar.exit_code == 0 and "1 cases about" in sar.output, sar.output
    export = json.loads(out.read_text())["cases"][0]
    assert export["case"]["reference"] == "ASB-25-0131" and len(export["case"]["incidents"]) == 3
    assert export["audit"][-1]["change"] == "exported"
    wrong_birthday = runner.invoke(
        app,
        [
            "cases",
            "subject-access",
            "--name",
            "Miss R. Hallam",
            "--date-of-birth",
            "1987-11-03",
            "--output",
            str(out),
            *opts,
        ],
    )
    assert "0 cases about" in wrong_birthday.output

    hallam = export["case"]["id"]
    erased = runner.invoke(app, ["cases", "erase", str(hallam), "--why", "right to erasure", *opts])
    assert erased.exit_code == 0, erased.output
    cases = CaseStore.open(database_url)
    try:
        assert cases.case(hallam) is None and not cases.case_incidents(hallam)
        trail = cases.case_audit(hallam)
        assert trail[-1]["change"] == "erased"
        assert trail[-1]["detail"] == {"why": "right to erasure", "flags": 0, "reference": "ASB-25-0131"}
        assert "Hallam" not in json.dumps([a["detail"] for a in trail])
        assert [f["status"] for f in cases.flags() if f["key"].startswith("102 high")] == ["flagged"]
    finally:
        cases.close()
    gone = runner.invoke(app, ["cases", "erase", str(hallam), *opts])
    assert gone.exit_code != 0
    trail = runner.invoke(app, ["cases", "audit", "--case", str(hallam), *opts])
    assert trail.exit_code == 0 and "erased" in trail.output and "exported" in trail.output, trail.output
    reloaded = runner.invoke(app, ["cases", "load", str(EXPORT), *opts])
    assert "0 cases loaded, 6 held already or erased" in reloaded.output  # an erased case stays erased
