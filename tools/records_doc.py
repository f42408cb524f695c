"""Write docs/records.md: every record kind and field, from the schema, with examples.

    .venv/bin/python tools/records_doc.py

The field tables come from dangjian_cli/records/schema.py (types, required,
allowed values) and the examples from sample_repo/, so the page follows the code;
tests/test_reference_docs.py fails when a field of the schema is missing here.
"""

from __future__ import annotations

import re
from pathlib import Path

from dangjian_cli.records import layout
from dangjian_cli.records import schema as s

ROOT = Path(__file__).resolve().parents[1]

TITLES = {
    layout.SETTINGS: ("Settings", "设置", "dangjian.toml"),
    layout.ORG: ("Organisations", "党组织", None),
    layout.MEMBER: ("Members", "党员", None),
    layout.MEETING: ("Meetings", "会议", None),
    layout.FUND: ("Funds", "经费", None),
    layout.LETTER: ("Responsibility letters", "责任书", None),
    layout.REPORT: ("Half-year reports", "半年报告", None),
    layout.NOTICE: ("Notices", "通报", None),
    layout.ASSESSMENT: ("Secretary assessments", "书记述职评议考核", None),
    layout.WEAK: ("Weak and lax organisations", "软弱涣散党组织", None),
    layout.TRAINING: ("Trainings", "培训", None),
}

#: what a field means, where its name does not say it all
MEANING = {
    "name": "display name (Chinese names here; ids are file names)",
    "language": "language of output and documents",
    "tracking_since": "obligations are owed from this day on",
    "numbering": "document number patterns per issuer and kind, holding `{n}` (and `{year}`)",
    "rules": "`[rules.<id>]` overrides of the built-in rules (docs/rules.md)",
    "documents": "settings of generated documents",
    "kind": "what it is; one of the values listed",
    "parent": "id of the org above (every org but the top has one)",
    "established": "day the org was set up",
    "dissolved": "day the org was dissolved",
    "secretary": "member id of the secretary",
    "secretary_changes": "secretaries replaced between elections (E-SECRETARY-CHANGE)",
    "secretary_changes.from": "member id of the secretary replaced",
    "secretary_changes.to": "member id of the new secretary",
    "secretary_changes.decided_at": "meeting id (path without .toml) of the parent org's decision",
    "secretary_changes.approved_by": "the county committee that approved it",
    "party_groups": "the branch has party groups (the party-group rule applies)",
    "committee": "the elected committee",
    "committee.elected": "day of the election",
    "committee.term_years": "3, or 5 for village and community branches",
    "committee.members": "member ids",
    "groups": "the party groups (党小组); the party-group rule counts each group's meetings",
    "groups.id": "the group's id (a meeting names it in `group`)",
    "groups.leader": "member id of the group leader",
    "groups.members": "member ids",
    "poor_village": "a poor village, to be paired with a helping branch",
    "pairing": "urban-rural pairings (the pairing rule)",
    "contact_points": "leading cadres' party-building contact points",
    "projects": "village collective-economy projects",
    "projects.annual_income": "exact amount, as text with two decimals",
    "gender": "",
    "ethnicity": "民族, as written on the roster",
    "education": "highest education, as written on the roster",
    "occupation": "",
    "birth_date": "",
    "id_number": "resident id number, 18 characters (masked in all output)",
    "phone": "masked in all output",
    "org": "id of the org",
    "status": "where the person stands on the way to, in or out of membership",
    "applied": "day of the application (at least 18 years old)",
    "activist_since": "",
    "candidate_since": "",
    "admitted": "day of admission as probationary member",
    "full_since": "day of conversion to full member",
    "left_on": "day the person left the roll",
    "transfers": "membership transfers between orgs, in date order",
    "transfers.letter": (
        "number of the introduction letter (组织关系介绍信, `render transfer-letter`)"
    ),
    "transfers.valid_until": "last day the letter is valid",
    "transfers.received_on": (
        "day the receipt slip came back (rule transfer-receipt: within 1 month)"
    ),
    "mobile": "away from home (rule transfer-owed after 6 months)",
    "stars": "star rating per year: `{2025 = 4}`",
    "dues": "dues paid, one row per month",
    "dues.month": "`YYYY-MM`",
    "dues.amount": 'exact amount: `"10.00"`',
    "dues_base": "how the monthly dues standard is found, from a month on (`dangjian dues pay`)",
    "dues_base.since": "first month `YYYY-MM` the row holds for",
    "dues_base.base": "monthly income after tax (`salary`, `retiree`): the standard is a share",
    "dues_base.amount": "fixed monthly amount (`farmer`, `other`)",
    "dues_base.approved_by": "org id that approved a reduction or exemption",
    "talked_on": "day of the talk with the applicant (rule applicant-talk: within 1 month)",
    "training_hours": (
        "hours of training as a candidate (rule candidate-training: 24 before admission)"
    ),
    "admission_approved_on": "day the higher committee approved the admission (within 3 months)",
    "probation_extended_to": "day an extended probation ends (once only, 6 to 12 months more)",
    "conversion_approved_on": "day the higher committee approved the conversion (within 3 months)",
    "lost_contact_since": "day contact was lost (rule lost-contact: decision due at 6 months)",
    "date": "",
    "topic": "",
    "chair": "member id",
    "recorder": "member id",
    "lecturer": "who gave a party lesson (member id or name)",
    "attendees": "member ids present (quorum is counted from them)",
    "absent": "member ids absent, with the reason",
    "online": "held online",
    "election": "the assembly held an election (quorum 4/5)",
    "minutes": "",
    "group": "a `party_group` meeting: the id of the org's group that met",
    "grades": "a `democratic_appraisal` meeting: each member's grade (rule appraisal-coverage)",
    "grades.member": "member id",
    "grades.grade": (
        "an `unqualified` grade needs a disposition within 30 days (rule unqualified-followup)"
    ),
    "quorum_exempt": (
        "approved absences: not due to attend, out of the quorum, excused from "
        "self-withdrawal-review"
    ),
    "quorum_exempt.approved_by": "org id that approved it",
    "dispositions": "what was done after an `unqualified` grade",
    "dispositions.until": "a `correction`'s last day (at most a year on)",
    "dispositions.corrected_on": "day the correction was judged done",
    "entry": "one `[[entry]]` per income or expense",
    "entry.amount": "exact amount, more than zero; `direction` carries the sign",
    "entry.category": "required for an expense",
    "signed_on": "",
    "tasks": "the tasks of the letter (default: the rules that apply to the org)",
    "signatories": "",
    "to": "org id the report goes to",
    "period": "`2026-h1` or `2026-h2` (reports); a period label (notice items)",
    "submitted_on": "",
    "number": "document number, e.g. 青组通〔2026〕3号",
    "issuer": "org id",
    "target": "org or member id",
    "issued_on": "",
    "findings": "what the notice found",
    "deadline": "rectify by this day (the rectification rule)",
    "rectified_on": "day the rectification was done",
    "items": "the findings settled by this notice once rectified",
    "items.rule": "rule id",
    "year": "",
    "grade": "",
    "score": "",
    "assessed_on": "day of the debriefing (a `poor` grade makes an admonition due 30 days on)",
    "reasons": "why the org was found weak and lax",
    "measures": "rectification measures",
    "responsible": "who answers for the rectification (org or member id)",
    "title": "what the training was called",
    "organiser": "org id of the org that held it",
    "start": "first day (the year folder is its year)",
    "end": "last day (the day its hours count from; the start if left out)",
    "hours": "hours (学时), whole or with a fraction: `31.5`",
    "audience": "who it was for: `secretaries` counts for secretary-training, `candidates` "
    "for candidate-training; every training counts for study-hours",
    "participants": "who took part (rule study-hours: 32 hours a year with party lessons)",
    "participants.member": "member id",
    "participants.hours": "hours of one who took part in less than the whole training",
}


def field_rows(spec: s.Spec, prefix: str = "") -> list[tuple[str, s.Field]]:
    rows = []
    for name, fld in spec.fields.items():
        full = f"{prefix}{name}"
        rows.append((full, fld))
        if fld.sub is not None:
            rows.extend(field_rows(fld.sub, f"{full}."))
    return rows


def table(kind: str) -> str:
    out = ["| field | type | required | values | meaning |", "|---|---|---|---|---|"]
    for full, fld in field_rows(s.SPECS[kind]):
        what = fld.type
        if fld.type == s.ROWS:
            what = "array of tables `[[...]]`"
        elif fld.type == s.ROW:
            what = "table `[...]`"
        values = ", ".join(f"`{c}`" for c in fld.choices) if fld.choices else ""
        meaning = MEANING.get(full, MEANING.get(full.rsplit(".", 1)[-1], ""))
        required = "yes" if fld.required else ""
        out.append(f"| `{full}` | {what} | {required} | {values} | {meaning} |")
    return "\n".join(out)


def example(kind: str) -> tuple[str, str]:
    if kind == layout.SETTINGS:
        path = ROOT / "sample_repo" / "dangjian.toml"
    else:
        folder = next(f for f, (k, _d) in layout.FOLDERS.items() if k == kind)
        path = sorted((ROOT / "sample_repo" / folder).rglob("*.toml"))[0]
    text = path.read_text(encoding="utf-8")
    text = re.sub(r'(id_number = ")[^"]*(")', r"\1110101199003070000\2", text)
    text = re.sub(r'(phone = ")[^"]*(")', r"\g<1>13800000000\2", text)
    lines = text.splitlines()
    if len(lines) > 30:
        lines = [*lines[:30], "# ..."]
    return path.relative_to(ROOT / "sample_repo").as_posix(), "\n".join(lines)


HEAD = """# Records

The records of a county are TOML files in a git repository, one file per record.
This page is the format: where each kind of record lives, every field it may
hold, and an example from `sample_repo/` (the county 青山县). `dangjian validate`
checks every rule stated here; its codes are in [codes.md](codes.md).

General rules:

- Files are UTF-8 TOML without a byte-order mark (`E-ENCODING`, `E-TOML`).
- A record's **id is its file name** without `.toml`: lower-case ASCII letters,
  digits, `.`, `_` and `-` (`E-SLUG`). Chinese names go in `name`. Records refer
  to each other by id (`org = "hexi-xishan"`).
- Dates are TOML dates without quotes: `date = 2026-03-05` (`E-TYPE`), between
  1900 and 2199 (`E-DATE-RANGE`).
- Amounts of money are exact: a whole number or a text with at most two decimals,
  `amount = "12.50"` (`E-MONEY`).
- Fields marked *required* must be given (`E-REQUIRED`); values from a list must be
  one of the listed values (`E-ENUM`); an unknown field is a warning
  (`W-UNKNOWN-FIELD`), since it is usually a misspelt one.
- Resident id numbers and phone numbers are masked in every listing and document
  unless `--show-personal` is given.
- Records are written by hand or with the entry commands, which refuse (and write
  nothing) when the change would make the records invalid: `dangjian new` (org,
  member, meeting, fund, letter, report, assessment, notice; `new transfer` and
  `new project` add a row), `dangjian set RECORD FIELD=VALUE...` (several fields
  checked together; `--append TABLE FIELD=VALUE...` adds a row; a re-dated meeting
  moves to its new file name) and `dangjian dues pay` (`[[dues]]` rows, the
  amount from `[[dues_base]]`).

The layout (anything else that ends in `.toml` is `E-LAYOUT`):

| kind | path |
|---|---|
| settings | `dangjian.toml` |
"""


def page() -> str:
    out = [HEAD.rstrip("\n")]
    for kind, pattern in layout.PATTERNS.items():
        out.append(f"| {kind} | `{pattern}` |")
    for kind, (title, zh, fixed) in TITLES.items():
        pattern = fixed or layout.PATTERNS[kind]
        path, text = example(kind)
        out += ["", f"## {title} ({zh}): `{pattern}`", "", table(kind), ""]
        out += [f"Example (`{path}`):", "", "```toml", text, "```"]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    (ROOT / "docs" / "records.md").write_text(page(), encoding="utf-8")
