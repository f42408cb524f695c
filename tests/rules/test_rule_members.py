"""Member rules: dues runs and probation conversion, including a member transferred mid-year."""

from __future__ import annotations

from datetime import date

MEMBER = """
name = "Member Four"
org = "{org}"
status = "{status}"
birth_date = 1990-01-01
admitted = {admitted}
{extra}
"""


def member(
    paid: list[str],
    admitted: str = "2010-01-01",
    status: str = "full",
    org: str = "village",
    extra: str = "",
    paid_on: str | None = None,
) -> dict[str, str]:
    full = "full_since = 2011-01-01\n" if status == "full" else ""
    rows = "".join(
        f'[[dues]]\nmonth = "{mo}"\namount = "1.00"\npaid_on = {paid_on or mo + "-10"}\n'
        for mo in paid
    )
    text = MEMBER.format(org=org, status=status, admitted=admitted, extra=full + extra) + rows
    return {"members/m4.toml": text}


def months(first: str, last: str) -> list[str]:
    y, m = map(int, first.split("-"))
    out = []
    while f"{y}-{m:02d}" <= last:
        out.append(f"{y}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def test_six_unpaid_months_are_overdue(evaluated):
    ev = evaluated(member(months("2025-01", "2025-12")), date(2026, 7, 15))
    dues = ev.of("dues", "m4")["2026-06"]
    assert (dues.status, dues.required, dues.found) == ("overdue", 18, 12)
    assert dues.deadline == date(2026, 6, 30)  # the sixth unpaid month ended then


def test_three_unpaid_months_are_due_and_two_are_not(evaluated):
    three = evaluated(member(months("2025-01", "2026-03")), date(2026, 7, 15)).of("dues", "m4")
    assert three["2026-06"].status == "due"
    assert three["2026-06"].deadline == date(2026, 9, 30)  # overdue once September is unpaid
    two = evaluated(member(months("2025-01", "2026-04")), date(2026, 7, 15))
    assert two.status("dues", "2026-06", "m4") == "met"


def test_the_run_counts_back_from_the_last_ended_month(evaluated):
    paid = [mo for mo in months("2025-01", "2026-06") if not "2025-03" <= mo <= "2025-10"]
    ev = evaluated(member(paid), date(2026, 7, 15))
    dues = ev.of("dues", "m4")["2026-06"]
    assert dues.status == "met"  # an old gap of 8 months, since paid up
    assert (dues.required, dues.found) == (18, 10)


def test_a_payment_dated_after_as_of_is_not_paid_yet(evaluated):
    ev = evaluated(member(months("2025-01", "2026-06"), paid_on="2026-08-01"), date(2026, 7, 15))
    assert ev.status("dues", "2026-06", "m4") == "overdue"


def test_months_owed_from_admission_when_later_than_tracking(evaluated):
    ev = evaluated(member([], admitted="2026-03-15", status="probationary"), date(2026, 7, 10))
    dues = ev.of("dues", "m4")["2026-06"]
    assert (dues.status, dues.required, dues.found) == ("due", 4, 0)  # March..June
    newly = evaluated(member([], admitted="2026-07-01", status="probationary"), date(2026, 7, 10))
    assert newly.of("dues", "m4") == {}  # no month has ended since admission


def test_members_who_left_owe_no_dues(evaluated):
    gone = evaluated(
        member([], status="withdrawn", extra="left_on = 2025-02-01"), date(2026, 7, 15)
    )
    assert gone.of("dues", "m4") == {}
    moved = evaluated(
        member(
            [],
            status="transferred_out",
            extra='[[transfers]]\ndate = 2025-02-01\nfrom = "village"\nto = "elsewhere"\n',
        ),
        date(2026, 7, 15),
    )
    assert moved.of("dues", "m4") == {}


VILLAGE2 = """
name = "Second Village"
kind = "village_branch"
parent = "town"
established = 2000-01-01
"""


def test_member_transferred_mid_year_owes_dues_to_the_new_org(evaluated):
    transfer = '[[transfers]]\ndate = 2026-03-01\nfrom = "village2"\nto = "village"\n'
    files = {**member(months("2025-01", "2025-12"), extra=transfer), "orgs/village2.toml": VILLAGE2}
    ev = evaluated(files, date(2026, 7, 15))
    dues = ev.of("dues", "m4")["2026-06"]
    assert (dues.org, dues.status) == ("village", "overdue")
    before = evaluated(files, date(2026, 2, 15)).of("dues", "m4")["2026-01"]
    assert before.org == "village2"
    # meetings are the orgs' obligations: both villages owe their own, whoever moved
    assert ev.status("theme-day", "2026-06", "village2") == "overdue"
    assert ev.status("theme-day", "2026-06", "village") == "overdue"


def test_probation_conversion_deadline(evaluated):
    files = member(months("2025-03", "2026-06"), admitted="2025-03-01", status="probationary")
    assert (
        evaluated(files, date(2026, 1, 29)).status("probation-conversion", "2026", "m4")
        == "upcoming"
    )
    assert evaluated(files, date(2026, 1, 30)).status("probation-conversion", "2026", "m4") == "due"
    assert evaluated(files, date(2026, 3, 1)).status("probation-conversion", "2026", "m4") == "due"
    late = evaluated(files, date(2026, 3, 2)).of("probation-conversion", "m4")["2026"]
    assert (late.status, late.deadline, late.org) == ("overdue", date(2026, 3, 1), "village")


def test_probation_from_29_february(evaluated):
    files = member([], admitted="2024-02-29", status="probationary")
    ob = evaluated(files, date(2025, 3, 1)).of("probation-conversion", "m4")["2025"]
    assert (ob.deadline, ob.status) == (date(2025, 2, 28), "overdue")


def test_converted_member_has_met_the_conversion(evaluated):
    files = member(
        months("2025-03", "2026-06"),
        admitted="2025-03-01",
        status="full",
        extra="full_since = 2026-02-20\n",
    )
    files["members/m4.toml"] = files["members/m4.toml"].replace("full_since = 2011-01-01\n", "")
    assert evaluated(files, date(2026, 7, 15)).status("probation-conversion", "2026", "m4") == "met"
    # as of a day before conversion the member was still owed it
    assert evaluated(files, date(2026, 2, 10)).status("probation-conversion", "2026", "m4") == "due"
