"""Write the sample ASB Case Review applications shipped with AIM (run from the project root:
python data/cases/make_case_reviews.py).

Synthetic, as the case export beside it is (data/cases/make_sample.py): two applications by the victims of two of its
cases, citing complaints the demo's housing, council CRM and police records hold, in the flat shape a partnership's
Case Review log takes when exported: title rows, one row per complaint cited with the application's fields on the
first row only, dates in several formats, the relevant bodies spelt as people type them, a repeated row. Seeded: the
same file every run.

- CR-25-007, Mr & Mrs D. Okonjo (case ASB-25-0114, 149 Borough Rd, TS1 5JF): three complaints, each made within a
  month of the behaviour, in the six months before the application: the threshold is met; the review is held and
  makes two recommendations.
- CR-25-005, Miss R. Hallam (case ASB-25-0131, 102 High St, TS19 8RJ): three complaints cited, but one (CRM-251089)
  was made six weeks after the behaviour it reports: two qualify, and the threshold is not met.
"""

from __future__ import annotations

import csv
import random
from datetime import date
from pathlib import Path

OUT = Path(__file__).resolve().parent / "case-review-applications.csv"
RNG = random.Random(20260106)
HEADER = [
    "Application Ref",
    "Date Received",
    "Applicant",
    "Applicant Type",
    "On Behalf Of",
    "Address",
    "Postcode",
    "Case Ref",
    "Relevant Bodies",
    "Complaint Date",
    "Behaviour Date",
    "Complaint To",
    "Complaint Ref",
    "Threshold Decision",
    "Decision Date",
    "Review Date",
    "Recommendations",
    "Outcome Sent",
    "Notes",
]
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%b-%Y", "%d/%m/%y")

APPLICATIONS = [
    {
        "Application Ref": "CR-25-005",
        "Date Received": date(2025, 10, 6),
        "Applicant": "Miss R. Hallam",
        "Applicant Type": "Victim",
        "Address": "102 High St",
        "Postcode": "ts19 8rj",
        "Case Ref": "ASB-25-0131",
        "Relevant Bodies": "Stockton Council; CLEVELAND POLICE; Thirteen Housing",
        "Threshold Decision": "Not met",
        "Decision Date": date(2025, 10, 13),
        "Outcome Sent": date(2025, 10, 14),
        "Notes": "Told of the decision and of the council's ASB team's offer of mediation",
        "complaints": [
            (date(2025, 9, 4), date(2025, 9, 4), "Council CRM", "CRM-251059"),
            (date(2025, 9, 10), date(2025, 7, 28), "Council CRM", "CRM-251089"),  # six weeks after the behaviour
            (date(2025, 9, 22), date(2025, 9, 21), "Cleveland Police", "CLE/25/118922"),
        ],
    },
    {
        "Application Ref": "CR-25-007",
        "Date Received": date(2025, 11, 3),
        "Applicant": "Mrs D. Okonjo",
        "Applicant Type": "Victim",
        "Address": "149 Borough Rd",
        "Postcode": "TS1  5JF",
        "Case Ref": "ASB-25-0114",
        "Relevant Bodies": "Middlesbrough Council, Cleveland Police, Thirteen Housing",
        "Threshold Decision": "MET",
        "Decision Date": date(2025, 11, 10),
        "Review Date": date(2025, 11, 24),
        "Recommendations": (
            "Housing and police joint visit within 14 days (Thirteen Housing, 2025-12-08) | "
            "Refer to victim support for the household (Cleveland Police, 2025-12-01)"
        ),
        "Outcome Sent": date(2025, 11, 26),
        "complaints": [
            (date(2025, 8, 28), date(2025, 8, 27), "Thirteen Housing", "HSG/25/0412"),
            (date(2025, 9, 17), date(2025, 9, 16), "Council CRM", "CRM-251118"),
            (date(2025, 10, 14), date(2025, 10, 14), "Housing", "HSG/25/0488"),
        ],
    },
]


def _day(value: date | None) -> str:
    return "" if value is None else value.strftime(RNG.choice(DATE_FORMATS))


def rows() -> list[list[str]]:
    """The log's rows: one per complaint cited, the application's fields on its first row."""
    out = []
    for application in APPLICATIONS:
        for k, (complained, behaviour, to, ref) in enumerate(application["complaints"]):
            row = {h: "" for h in HEADER}
            if k == 0:
                for h in HEADER:
                    value = application.get(h, "")
                    row[h] = _day(value) if isinstance(value, date) else str(value)
            else:
                row["Application Ref"] = str(application["Application Ref"])
            row |= {
                "Complaint Date": _day(complained),
                "Behaviour Date": _day(behaviour),
                "Complaint To": to,
                "Complaint Ref": ref,
            }
            out.append([row[h] for h in HEADER])
    out.insert(3, out[2])  # the export repeats a row
    return out


def main() -> None:
    """Write the sample."""
    with OUT.open("w", newline="", encoding="cp1252") as f:
        f.write("Case Review Log - ASB Case Reviews (community trigger)\n")
        f.write("Exported by: CSP Analyst,06/01/2026 09:30\n")
        writer = csv.writer(f)
        writer.writerow(HEADER)
        writer.writerows(rows())
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
