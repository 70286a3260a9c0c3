"""Write the sample case-management export shipped with AIM (run from the project root:
python data/cases/make_sample.py).

No public case-level ASB data exists (it is special category data), so this file is synthetic: made-up people and
households, at addresses and postcodes where the demo's sample council CRM and warden feeds (data/feeds) recorded
complaints, quoting some of those feeds' references, in the flat one-row-per-entry shape E-CINS-style systems
export: title rows, the case's fields repeated on some rows and blank on others, mixed date formats, agency names
spelt three ways, postcodes in odd case and spacing, a UPRN mangled by a spreadsheet, a duplicated row and
Windows-1252 text. Seeded: the same file every run.

Two repeat victims are in it: the household at 149 Borough Rd, TS1 5JF (two housing reports and the council CRM's
CRM-251118, within two months) and Miss R. Hallam at 102 High St, TS19 8RJ (CRM-251059, CRM-251089 and a police
report within three weeks). The Bellamy household climbs the whole ladder from a warning letter to an injunction.
"""

from __future__ import annotations

import csv
import random
from datetime import date
from pathlib import Path

OUT = Path(__file__).resolve().parent / "ecins-case-export.csv"
RNG = random.Random(20260105)
HEADER = [
    "Case Ref",
    "Case Type",
    "Case Status",
    "Date Opened",
    "Date Closed",
    "Lead Agency",
    "Case Officer",
    "Partner Agencies",
    "Subject",
    "DOB",
    "Address",
    "Postcode",
    "UPRN",
    "Entry Type",
    "Entry Date",
    "Entry Ref",
    "Entry Source",
    "Entry Detail",
    "Outcome",
    "Review Date",
]
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%b-%Y", "%d/%m/%y")

CASES = [
    {
        "Case Ref": "ASB-25-0114",
        "Case Type": "Household - Victim",
        "Case Status": "Open",
        "Date Opened": date(2025, 8, 29),
        "Lead Agency": "Thirteen Housing",
        "Case Officer": "S. Patel",
        "Partner Agencies": "Cleveland Police; ASB Team",
        "Subject": "Mr & Mrs D. Okonjo",
        "DOB": date(1951, 3, 14),
        "Address": "149 Borough Rd",
        "Postcode": " ts1 5jf",
        "UPRN": "100110678123",
        "entries": [
            (
                "Incident",
                date(2025, 8, 28),
                "HSG/25/0412",
                "Housing",
                "Youths kicking the front door at night",
                "",
                None,
            ),
            ("Incident", date(2025, 9, 17), "CRM-251118", "Council CRM", "Domestic noise", "", None),
            ("Incident", date(2025, 10, 14), "HSG/25/0488", "Housing", "Eggs thrown at the windows", "", None),
            (
                "Risk Assessment",
                date(2025, 10, 15),
                "",
                "Housing",
                "repeat=Y; hate=Y; vulnerable=Y; health=Y; fear=Y; isolated=Y; threats=N; children=N; property=Y",
                "",
                None,
            ),
        ],
    },
    {
        "Case Ref": "ASB-25-0131",
        "Case Type": "Victim",
        "Case Status": "OPEN",
        "Date Opened": date(2025, 9, 23),
        "Lead Agency": "ASB Team",
        "Case Officer": "K. Lowe",
        "Partner Agencies": "THIRTEEN HOUSING",
        "Subject": "Miss R. Hallam",
        "DOB": date(1987, 11, 2),
        "Address": "102 High St",
        "Postcode": "TS19  8RJ",
        "UPRN": "",
        "entries": [
            ("Incident", date(2025, 9, 4), "CRM-251059", "Council CRM", "Domestic noise", "", None),
            ("Incident", date(2025, 9, 10), "CRM-251089", "Council CRM", "Abandoned vehicle", "", None),
            ("Incident", date(2025, 9, 22), "CLE/25/118922", "Police", "Verbal abuse in the street", "", None),
            (
                "Risk Assessment",
                date(2025, 9, 23),
                "",
                "ASB Team",
                "repeat=Y; fear=Y; health=Y; unresolved=Y",
                "",
                None,
            ),
        ],
    },
    {
        "Case Ref": "ASB-25-0098",
        "Case Type": "HOUSEHOLD (PERP)",
        "Case Status": "Open",
        "Date Opened": date(2025, 2, 10),
        "Lead Agency": "Council ASB Team",
        "Case Officer": "K. Lowe",
        "Partner Agencies": "Community Wardens, Cleveland Police, Housing",
        "Subject": "The Bellamy household",
        "DOB": None,
        "Address": "63 Parliament Rd",
        "Postcode": "ts2 1tj",
        "UPRN": "100110554210.0",
        "entries": [
            ("Incident", date(2025, 2, 9), "WDN/25/00112", "Wardens", "Noise", "", None),
            ("Intervention", date(2025, 2, 12), "", "ASB Team", "Warning Letter", "Breached", date(2025, 3, 12)),
            ("Incident", date(2025, 4, 9), "CRM-250356", "Council CRM", "Youths causing annoyance", "", None),
            ("Intervention", date(2025, 4, 14), "", "ASB Team", "ABC", "Breached", date(2025, 10, 14)),
            ("Intervention", date(2025, 6, 19), "", "Police", "CPW", "Breached", date(2025, 7, 19)),
            ("Intervention", date(2025, 8, 8), "", "ASB Team", "CPN", "Breach", None),
            ("Intervention", date(2025, 9, 2), "", "ASB Team", "FPN", "Paid", None),
            ("Intervention", date(2025, 11, 20), "", "ASB Team", "Civil Injunction", "Granted", date(2026, 5, 20)),
            ("Note", date(2025, 11, 21), "", "ASB Team", "Injunction served at the property", "", None),
        ],
    },
    {
        "Case Ref": "ASB-25-0102",
        "Case Type": "Victim/Perpetrator",
        "Case Status": "Closed",
        "Date Opened": date(2025, 4, 28),
        "Date Closed": date(2025, 7, 30),
        "Lead Agency": "Housing",
        "Case Officer": "J. O'Neill",
        "Partner Agencies": "",
        "Subject": "Mr G. Firth",
        "DOB": date(1969, 6, 30),
        "Address": "27 Acklam Rd",
        "Postcode": "TS5 8RY",
        "UPRN": "",
        "entries": [
            ("Incident", date(2025, 4, 27), "HSG/25/0177", "Housing", "Neighbour dispute over parking", "", None),
            ("Intervention", date(2025, 5, 6), "", "Housing", "warning letter", "Complied", date(2025, 6, 6)),
            ("Risk Assessment", date(2025, 4, 28), "", "Housing", "repeat=N; vulnerable=N; health=Y", "", None),
        ],
    },
    {
        "Case Ref": "ASB-23-0441",
        "Case Type": "Victim",
        "Case Status": "Closed - resolved",
        "Date Opened": date(2023, 5, 2),
        "Date Closed": date(2023, 11, 2),
        "Lead Agency": "ASB Team",
        "Case Officer": "K. Lowe",
        "Partner Agencies": "Cleveland Police",
        "Subject": "Mrs P. Noble",
        "DOB": date(1940, 1, 9),
        "Address": "5 Oxford Rd",
        "Postcode": "TS5 5DT",
        "UPRN": "",
        "entries": [
            ("Incident", date(2023, 5, 1), "HSG/23/0990", "Housing", "Stones thrown at the caf\u00e9 window", "", None),
            ("Risk Assessment", date(2023, 5, 2), "", "ASB Team", "repeat=N; vulnerable=Y; isolated=Y", "", None),
        ],
    },
    {
        "Case Ref": "ASB-25-0140",
        "Case Type": "victim",
        "Case Status": "Open",
        "Date Opened": date(2025, 8, 4),
        "Lead Agency": "Community Wardens",
        "Case Officer": "L. Nowak",
        "Partner Agencies": "ASB Team",
        "Subject": "Mr T. Adeyemi",
        "DOB": date(1979, 8, 21),
        "Address": "14 Wicklow St",
        "Postcode": "TS1 4RE",
        "UPRN": "",
        "entries": [
            ("Incident", date(2025, 8, 3), "WDN/25/01702", "Wardens", "Noise from the flat above", "", None),
            ("Risk Assessment", date(2025, 8, 4), "", "Wardens", "repeat=N; fear=Y; property=Y; known=Y", "", None),
        ],
    },
]


def _when(day: date | None) -> str:
    return "" if day is None else day.strftime(RNG.choice(DATE_FORMATS))


def rows() -> list[list[str]]:
    """The export's rows: each case's entries, the case's fields on the first row and on some others."""
    out = []
    for case in CASES:
        for n, (kind, day, ref, source, detail, outcome, review) in enumerate(case["entries"]):
            repeat = n == 0 or RNG.random() < 0.5
            fields = {k: case.get(k) for k in HEADER[:13]}
            line = [_when(v) if isinstance(v, date) else (v or "") for v in fields.values()]
            if not repeat:
                line = [line[0]] + [""] * 12
            line += [kind, _when(day), ref, source, detail, outcome, _when(review)]
            out.append(line)
    out.insert(5, list(out[4]))  # the export repeats a row, as exports do
    return out


def main() -> None:
    """Write the export (Windows-1252, CRLF, two title rows)."""
    with OUT.open("w", encoding="cp1252", newline="") as fh:
        fh.write("E-CINS Case Export - Anti-Social Behaviour (all cases)\r\n")
        fh.write("Run by: CSP Analyst,05/01/2026 08:12\r\n")
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerow(HEADER)
        writer.writerows(rows())


if __name__ == "__main__":
    main()
