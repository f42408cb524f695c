"""Fund checks: expense category, amounts, ledger year, dues subsidies, balance."""

from __future__ import annotations

LEDGER = "funds/village/2026.toml"


def entries(*rows: tuple[str, str, str, str, str]) -> str:
    """[[entry]] rows of (date, direction, source, category, amount); 5 lines each."""
    out = []
    for day, direction, source, category, amount in rows:
        out.append("[[entry]]")
        out.append(f"date = {day}")
        out.append(f'direction = "{direction}"')
        out.append(f'source = "{source}"')
        out.append(f'category = "{category}"' if category else 'purpose = "-"')
        out.append(f"amount = {amount}")
    return "\n".join(out) + "\n"


def test_balanced_ledger_is_valid(make_repo, validate):
    repo = make_repo(
        {
            LEDGER: entries(
                ("2026-01-05", "income", "fiscal", "", '"5000.00"'),
                ("2026-02-01", "expense", "fiscal", "education", '"4999.99"'),
                ("2026-02-01", "expense", "dues_retained", "activity", "300"),
                ("2026-02-01", "income", "dues_retained", "", "300"),
            )
        }
    )
    assert validate(repo) == []


def test_expense_without_category(make_repo, validate):
    repo = make_repo(
        {
            LEDGER: entries(
                ("2026-01-05", "income", "fiscal", "", "100"),
                ("2026-02-01", "expense", "fiscal", "", "50"),
            )
        }
    )
    p = validate(repo).one("E-REQUIRED", LEDGER)
    assert p["line"] == 7
    assert "`entry.category`" in p["message"]


def test_amount_must_be_positive(make_repo, validate):
    repo = make_repo({LEDGER: entries(("2026-01-05", "income", "fiscal", "", '"-10.00"'))})
    p = validate(repo).one("E-FUND-AMOUNT", LEDGER)
    assert p["line"] == 6


def test_entry_outside_ledger_year(make_repo, validate):
    repo = make_repo(
        {
            LEDGER: entries(
                ("2026-01-05", "income", "fiscal", "", "100"),
                ("2025-12-31", "income", "fiscal", "", "100"),
            )
        }
    )
    p = validate(repo).one("E-FUND-YEAR", LEDGER)
    assert p["line"] == 8
    assert "2025-12-31 is outside the ledger's year 2026" in p["message"]


def test_dues_may_not_pay_subsidy(make_repo, validate):
    repo = make_repo(
        {
            LEDGER: entries(
                ("2026-01-05", "income", "dues_retained", "", "100"),
                ("2026-01-05", "income", "fiscal", "", "100"),
                ("2026-02-01", "expense", "dues_retained", "subsidy", "50"),
                ("2026-02-01", "expense", "fiscal", "subsidy", "50"),
            )
        }
    )
    findings = validate(repo)
    p = findings.one("E-FUND-SUBSIDY", LEDGER)
    assert p["line"] == 17
    assert len(findings) == 1


def test_balance_goes_negative(make_repo, validate):
    repo = make_repo(
        {
            LEDGER: entries(
                ("2026-01-05", "income", "fiscal", "", '"100.00"'),
                ("2026-03-01", "expense", "fiscal", "activity", '"80.50"'),
                ("2026-02-01", "expense", "fiscal", "activity", '"30"'),
                ("2026-03-02", "expense", "fiscal", "activity", "10"),
                ("2026-01-05", "income", "other", "", "1000"),
            )
        }
    )
    p = validate(repo).one("E-FUND-NEGATIVE", LEDGER)
    # date order: 100 - 30 (Feb) = 70, then - 80.50 on 1 March: the 2nd entry
    assert p["line"] == 12
    assert p["message"] == "fiscal balance of village goes negative on 2026-03-01: -10.50"


def test_balance_runs_across_years(make_repo, validate):
    repo = make_repo(
        {
            "funds/village/2025.toml": entries(("2025-12-01", "income", "fiscal", "", "100")),
            LEDGER: entries(("2026-01-10", "expense", "fiscal", "training", "100")),
        }
    )
    assert validate(repo) == []
    repo.write(LEDGER, entries(("2026-01-10", "expense", "fiscal", "training", "100.01")))
    p = validate(repo).one("E-FUND-NEGATIVE", LEDGER)
    assert p["line"] == 6 and p["message"].endswith("2026-01-10: -0.01")


def test_same_day_income_counts_before_expense(make_repo, validate):
    repo = make_repo(
        {
            LEDGER: entries(
                ("2026-01-05", "expense", "fiscal", "activity", "100"),
                ("2026-01-05", "income", "fiscal", "", "100"),
            )
        }
    )
    assert validate(repo) == []
