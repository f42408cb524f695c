"""Member rules of the development pipeline and transfers (builtin.toml), each at the
day before, on and after its deadline; rules a repository has not adopted stay silent."""

from __future__ import annotations

import json
from datetime import date

import pytest

from dangjian_cli.rules.catalog import load_rules
from dangjian_cli.rules.engine import evaluate, unapplied

SETTINGS = """
name = "Test county"
language = "en"
tracking_since = 2025-01-01
{rules}
"""

ADOPTED = "\n".join(
    f"[rules.{rule}]\napplies_from = 2025-01-01"
    for rule in (
        "applicant-talk",
        "candidate-training",
        "admission-approval",
        "conversion-approval",
        "transfer-receipt",
    )
)


def files(member: str, adopted: bool = True, rules: str = "") -> dict[str, str]:
    return {
        "dangjian.toml": SETTINGS.format(rules=(ADOPTED if adopted else "") + "\n" + rules),
        "members/m4.toml": 'name = "Four"\norg = "village"\n' + member,
    }


def validate(repo) -> list[dict]:
    """The problems `dangjian validate --format json` reports."""
    result = repo.run("validate", "--format", "json")
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def one(problems: list[dict], code: str) -> dict:
    found = [p for p in problems if p["code"] == code]
    assert len(found) == 1, problems
    return found[0]


def status(ev, rule: str) -> str | None:
    found = [ob for ob in ev.all if ob.rule == rule and ob.subject == "m4"]
    assert len(found) <= 1, found
    return found[0].status if found else None


# (rule, the member's file, the deadline, a field and the day that meets it)
PIPELINE = [
    (
        "applicant-talk",
        'status = "applicant"\nbirth_date = 1990-01-01\napplied = 2026-01-15\n',
        date(2026, 2, 15),
        "talked_on = 2026-02-10\n",
    ),
    (
        "admission-approval",
        'status = "probationary"\nbirth_date = 1990-01-01\nadmitted = 2026-01-15\n',
        date(2026, 4, 15),
        "admission_approved_on = 2026-03-01\n",
    ),
    (
        "conversion-approval",
        'status = "full"\nbirth_date = 1990-01-01\nadmitted = 2025-01-15\n'
        "full_since = 2026-01-15\n",
        date(2026, 4, 15),
        "conversion_approved_on = 2026-03-01\n",
    ),
    (
        "probation-conversion",
        'status = "probationary"\nbirth_date = 1990-01-01\nadmitted = 2025-03-10\n',
        date(2026, 3, 10),
        None,
    ),
    (
        "lost-contact",
        'status = "full"\nbirth_date = 1990-01-01\nadmitted = 2000-01-15\n'
        "full_since = 2001-01-15\nlost_contact_since = 2025-09-15\n",
        date(2026, 3, 15),
        "left_on = 2026-03-01\n",
    ),
]


@pytest.mark.parametrize(
    ("rule", "text", "deadline", "done"), PIPELINE, ids=[p[0] for p in PIPELINE]
)
def test_pipeline_rule_the_day_before_on_and_after_its_deadline(
    evaluated, rule, text, deadline, done
):
    before, after = (
        date.fromordinal(deadline.toordinal() - 1),
        date.fromordinal(deadline.toordinal() + 1),
    )
    assert status(evaluated(files(text), before), rule) == "due"
    on = evaluated(files(text), deadline)
    assert status(on, rule) == "due"
    assert [ob.deadline for ob in on.all if ob.rule == rule] == [deadline]
    assert status(evaluated(files(text), after), rule) == "overdue"
    if done:
        assert status(evaluated(files(text + done), after), rule) == "met"


def test_a_late_talk_is_met_late_with_its_days(evaluated):
    text = PIPELINE[0][1] + "talked_on = 2026-02-20\n"
    ev = evaluated(files(text), date(2026, 3, 1))
    (ob,) = [ob for ob in ev.all if ob.rule == "applicant-talk"]
    assert (ob.status, ob.days_late) == ("met_late", 5)


TRAINING = 'status = "probationary"\nbirth_date = 1990-01-01\nadmitted = 2026-03-01\n'


@pytest.mark.parametrize(
    ("as_of", "hours", "expected"),
    [
        (date(2026, 2, 28), 0, "due"),
        (date(2026, 3, 1), 0, "due"),
        (date(2026, 3, 2), 0, "overdue"),
        (date(2026, 3, 2), 23, "overdue"),
        (date(2026, 3, 2), 24, "met"),
    ],
)
def test_candidate_training_hours_by_admission(evaluated, as_of, hours, expected):
    text = TRAINING + (f"training_hours = {hours}\n" if hours else "")
    assert status(evaluated(files(text), as_of), "candidate-training") == expected


EXTENDED = (
    'status = "probationary"\nbirth_date = 1990-01-01\nadmitted = 2025-03-10\n'
    "probation_extended_to = {to}\n"
)


def test_an_extended_probation_is_due_at_its_new_end(evaluated):
    text = EXTENDED.format(to="2026-09-10")
    assert status(evaluated(files(text), date(2026, 3, 11)), "probation-conversion") == "upcoming"
    assert status(evaluated(files(text), date(2026, 9, 10)), "probation-conversion") == "due"
    assert status(evaluated(files(text), date(2026, 9, 11)), "probation-conversion") == "overdue"


@pytest.mark.parametrize(
    ("to", "why"),
    [
        ("[2026-09-10, 2027-03-10]", "extended 2 times"),
        ("2026-09-09", "an extension adds 6m to 12m"),
        ("2027-03-11", "an extension adds 6m to 12m"),
    ],
)
def test_a_second_or_wrong_extension_is_refused(make_repo, to, why):
    repo = make_repo(files(EXTENDED.format(to=to)))
    p = one(validate(repo), "E-PROBATION-EXTENSION")
    assert why in p["message"] and p["severity"] == "error"


@pytest.mark.parametrize("to", ["2026-09-10", "2027-03-10"])
def test_one_extension_of_six_to_twelve_months_is_fine(make_repo, to):
    repo = make_repo(files(EXTENDED.format(to=to)))
    assert validate(repo) == []


def test_set_refuses_a_second_extension(make_repo):
    repo = make_repo(files(EXTENDED.format(to="2026-09-10")))
    # two dates for the one field make the list that validation refuses: nothing written
    result = repo.run(
        "set", "members/m4", "probation_extended_to=2026-09-10", "probation_extended_to=2027-03-10"
    )
    assert result.exit_code != 0
    assert "E-PROBATION-EXTENSION" in result.output + (result.stderr or "")
    assert "2027-03-10" not in repo.read("members/m4.toml")


TRANSFER = """status = "full"
birth_date = 1990-01-01
admitted = 2000-01-15
full_since = 2001-01-15

[[transfers]]
date = 2026-03-01
from = "town"
to = "village"
{received}
"""


@pytest.mark.parametrize(
    ("received", "as_of", "expected", "org"),
    [
        (None, date(2026, 3, 20), "upcoming", "town"),
        (None, date(2026, 4, 1), "due", "town"),  # day 31
        (None, date(2026, 4, 2), "overdue", "town"),  # day 32
        ("2026-04-01", date(2026, 4, 20), "met", "town"),  # received on day 31
        ("2026-04-02", date(2026, 4, 20), "met_late", "town"),  # received on day 32
    ],
)
def test_transfer_received_within_a_month(evaluated, received, as_of, expected, org):
    text = TRANSFER.format(received=f"received_on = {received}" if received else "")
    ev = evaluated(files(text), as_of)
    found = [ob for ob in ev.all if ob.rule == "transfer-receipt"]
    assert [(ob.status, ob.org) for ob in found] == [(expected, org)]


def test_a_transfer_from_outside_the_repository_owes_no_receipt(evaluated):
    text = TRANSFER.format(received="").replace('from = "town"', 'from = "elsewhere"')
    ev = evaluated(files(text), date(2026, 6, 1))
    assert [ob for ob in ev.all if ob.rule == "transfer-receipt"] == []


MOBILE = """status = "{status}"
birth_date = 1990-01-01
admitted = 2000-01-15
full_since = 2001-01-15

[mobile]
since = 2025-01-15
location = "Shenzhen"
{until}
"""


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (date(2025, 6, 15), "upcoming"),  # 5 months
        (date(2025, 7, 14), "upcoming"),
        (date(2025, 7, 15), "due"),  # 6 months: a finding
        (date(2025, 7, 16), "overdue"),
    ],
)
def test_a_mobile_member_owes_a_transfer_at_six_months(evaluated, as_of, expected):
    ev = evaluated(files(MOBILE.format(status="full", until="")), as_of)
    assert status(ev, "transfer-owed") == expected


def test_a_mobile_member_back_before_six_months_owes_nothing(evaluated):
    text = MOBILE.format(status="full", until="until = 2025-05-01")
    assert status(evaluated(files(text), date(2025, 9, 1)), "transfer-owed") is None


def test_a_transfer_since_leaving_meets_transfer_owed(evaluated):
    text = MOBILE.format(status="full", until="") + (
        '\n[[transfers]]\ndate = 2025-03-01\nfrom = "town"\nto = "village"\n'
    )
    assert status(evaluated(files(text, adopted=False), date(2025, 9, 1)), "transfer-owed") == "met"


def test_a_member_who_left_owes_no_transfer(evaluated):
    text = MOBILE.format(status="withdrawn", until="")
    assert status(evaluated(files(text), date(2026, 6, 1)), "transfer-owed") is None


def test_mobile_is_no_longer_a_validation_warning(make_repo):
    repo = make_repo(files(MOBILE.format(status="full", until="")))
    assert validate(repo) == []


def test_rules_a_repository_does_not_keep_are_not_judged(evaluated):
    """Never kept talks: no finding per applicant; the rule is listed as unapplied."""
    ev = evaluated(files(PIPELINE[0][1], adopted=False), date(2026, 6, 1))
    assert status(ev, "applicant-talk") is None
    names = [r.id for r in unapplied(load_rules(ev.records.settings))]
    assert names == [
        "self-withdrawal-review",
        "appraisal-coverage",
        "unqualified-followup",
        "study-hours",
        "secretary-training",
        "secretary-lesson",
        "applicant-talk",
        "candidate-training",
        "admission-approval",
        "conversion-approval",
        "transfer-receipt",
    ]
    adopted = evaluated(files(PIPELINE[0][1]), date(2026, 6, 1))
    left = [r.id for r in unapplied(load_rules(adopted.records.settings))]
    assert left == [
        "self-withdrawal-review",
        "appraisal-coverage",
        "unqualified-followup",
        "study-hours",
        "secretary-training",
        "secretary-lesson",
    ]


def test_applies_from_leaves_earlier_deadlines_alone(evaluated):
    rules = "[rules.applicant-talk]\napplies_from = 2026-03-01"
    ev = evaluated(files(PIPELINE[0][1], adopted=False, rules=rules), date(2026, 6, 1))
    assert status(ev, "applicant-talk") is None  # deadline 2026-02-15, before adoption
    later = PIPELINE[0][1].replace("2026-01-15", "2026-03-15")
    ev = evaluated(files(later, adopted=False, rules=rules), date(2026, 6, 1))
    assert status(ev, "applicant-talk") == "overdue"


ACTIVIST = (
    'status = "candidate"\nbirth_date = 1990-01-01\napplied = 2025-01-01\n'
    "activist_since = 2025-03-01\ncandidate_since = 2026-02-28\n"
)


def test_activist_year_is_a_warning_and_a_rule_setting_makes_it_an_error(make_repo):
    warned = validate(make_repo(files(ACTIVIST), name="w"))
    assert one(warned, "W-ACTIVIST-YEAR")["severity"] == "warning"
    strict = '[rules.activist-year]\nseverity = "error"'
    refused = validate(make_repo(files(ACTIVIST, rules=strict), name="e"))
    assert one(refused, "E-ACTIVIST-YEAR")["severity"] == "error"
    # the year ends on 1 March 2026: a candidate named that day or the day after is fine
    for day in ("2026-03-01", "2026-03-02"):
        on_time = ACTIVIST.replace("2026-02-28", day)
        assert validate(make_repo(files(on_time, rules=strict), name=f"ok{day}")) == []


NEW_RULES = (
    "applicant-talk",
    "candidate-training",
    "admission-approval",
    "conversion-approval",
    "transfer-receipt",
)


def test_a_repository_keeping_none_of_the_new_records_gets_one_line_per_rule(make_repo):
    """Members at every stage, none with talks, trainings, approvals or receipts kept:
    `overdue` lists none of them, and says once per rule why it is not judged."""
    people = {
        f"members/p{i}.toml": f'name = "P{i}"\norg = "village"\n{text}'
        for i, (_, text, _, _) in enumerate(PIPELINE)
    }
    people["members/t.toml"] = 'name = "T"\norg = "village"\n' + TRANSFER.format(received="")
    repo = make_repo(people)
    for fmt in ("table", "json"):
        result = repo.run("overdue", "--as-of", "2026-07-15", "--format", fmt)
        assert result.exit_code == 0, result.output
        assert not any(rule in result.stdout for rule in NEW_RULES)
        for rule in NEW_RULES:
            lines = [ln for ln in result.stderr.splitlines() if ln.startswith(f"{rule} (")]
            assert len(lines) == 1, result.stderr
            assert "is not judged" in lines[0] and f"[rules.{rule}]" in lines[0]


@pytest.mark.parametrize(
    ("received", "adopted", "org"),
    [
        ("", True, "town"),  # not received: the sender still answers for the member
        ("received_on = 2026-03-20", True, "village"),
        ("", False, "village"),  # receipts not kept: the transfer moves the member at once
    ],
)
def test_the_sending_org_answers_for_a_member_until_the_receipt(evaluated, received, adopted, org):
    text = TRANSFER.format(received=received)
    ev = evaluated(files(text, adopted=adopted), date(2026, 6, 15))
    dues = [ob for ob in ev.all if ob.rule == "dues" and ob.subject == "m4"]
    assert [ob.org for ob in dues] == [org]
    only = evaluate(
        ev.records, date(2026, 6, 15), rules={"dues": load_rules(ev.records.settings)["dues"]}
    )
    assert [ob.org for ob in only if ob.subject == "m4"] == [org]  # whatever rules are listed


def test_status_shows_the_pipeline_and_the_dues_standard_against_paid(make_repo):
    people = {
        "members/m4.toml": 'name = "Four"\norg = "village"\n' + PIPELINE[0][1],
        "members/m5.toml": 'name = "Five"\norg = "village"\n'
        + PIPELINE[1][1]
        + "training_hours = 30\n"
        + '\n[[dues_base]]\nsince = "2026-01"\ncategory = "student"\n'
        + '\n[[dues]]\nmonth = "2026-02"\namount = "0.20"\npaid_on = 2026-02-05\n',
    }
    repo = make_repo({**files(""), **people})
    result = repo.run("status", "village", "--as-of", "2026-04-01", "--format", "json")
    assert result.exit_code == 0, result.output
    info = json.loads(result.stdout)
    stages = {p["stage"]: p for p in info["pipeline"]}
    assert stages["applicant"]["count"] == 1
    (four,) = stages["applicant"]["members"]
    assert (four["member"], four["next_rule"], four["next_deadline"], four["next_status"]) == (
        "m4",
        "applicant-talk",
        "2026-02-15",
        "overdue",
    )
    (five,) = stages["probationary"]["members"]
    assert (five["next_rule"], five["next_deadline"]) == ("admission-approval", "2026-04-15")
    # Jan..Mar: m5 owes 0.20 a month from its base row and paid February only
    assert info["dues"]["standard"] == "0.60" and info["dues"]["paid"] == "0.20"
    assert info["dues"]["unpaid"] == "0.40" and info["dues"]["members_without_base"] == 3
    text = repo.run("status", "village", "--as-of", "2026-04-01").stdout
    assert "Pipeline: applicant 1, probationary 1" in text
    assert "applicant-talk by 2026-02-15 (overdue)" in text
