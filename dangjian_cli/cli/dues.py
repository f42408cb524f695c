"""`dangjian dues ...`: the monthly dues work of a branch.

``dues pay`` appends ``[[dues]]`` rows to member files through the same write
path as ``new`` and ``set`` (:func:`.records.finish`): every member file is read
and changed under its own lock, all of them are checked together, and if any
would be invalid nothing is written.
"""

from __future__ import annotations

import contextlib
import re
from datetime import date
from typing import Any

import click

from ..errors import InputError
from ..i18n import _
from .common import ISO_DATE, load_records
from .git import commit_option
from .records import _amount, _open, _split, finish

_MONTH = re.compile(r"(\d{4})-(0[1-9]|1[0-2])\Z")


@click.group()
def dues() -> None:
    """Dues: record the month's payments (the amount from each member's standard)."""


def _month(ctx: click.Context, param: click.Parameter, value: str) -> str:
    text = value.strip()
    if not _MONTH.match(text):
        raise click.BadParameter(_("{value!r} is not a month like 2026-06").format(value=value))
    return text


def _last_day(month: str) -> date:
    year, mon = int(month[:4]), int(month[5:])
    nxt = date(year + mon // 12, mon % 12 + 1, 1)
    return date.fromordinal(nxt.toordinal() - 1)


@dues.command("pay")
@click.argument("org")
@click.option("--month", required=True, callback=_month, help="Month paid for, like 2026-06.")
@click.option("--member", "members", multiple=True, help="Member id who paid (repeat, or a,b).")
@click.option(
    "--all", "everyone", is_flag=True, help="Every member of ORG who owes that month, unpaid."
)
@click.option("--paid-on", required=True, type=ISO_DATE, help="Date the dues were handed in.")
@click.option(
    "--amount",
    callback=_amount,
    help="Amount paid, like 12.50 (default: each member's standard for the month).",
)
@commit_option("pay", lambda p: f"dues {p['month']}")
@click.pass_context
def pay(
    ctx: click.Context,
    org: str,
    month: str,
    members: tuple[str, ...],
    everyone: bool,
    paid_on: date,
    amount: str | int | None,
) -> list[str]:
    """Append a [[dues]] row for MONTH to each member's file (one checked write).

    The members are named with --member, or --all takes every member of ORG who
    is probationary or full in that month and has not paid it. Without --amount
    each pays the standard of the member's [[dues_base]] row in force that month;
    a member without one is refused by name (give --amount).
    """
    from ..records import layout, write
    from ..records.names import need_org
    from ..records.repository import load_file
    from ..rules.dues import scale_of

    named = _split(members)
    if bool(named) == everyone:
        raise click.UsageError(_("give --member ID... or --all (not both)"))
    root, store = _open(ctx)
    records = load_records(ctx, store=store)
    need_org(records, org)
    scale = scale_of(records.settings)  # the repository's scale, overrides and all
    last = _last_day(month)
    if everyone:
        named = [
            mid
            for mid, mb in sorted(records.members.items())
            if mb.org_on(last) == org and mb.status_on(last) in ("probationary", "full")
        ]
    else:
        for mid in named:
            mb = records.members.get(mid)
            if mb is None:
                raise InputError(_("--member: no member {member}").format(member=mid))
            if mb.org_on(last) != org or mb.status_on(last) not in ("probationary", "full"):
                raise InputError(
                    _("--member: {member} owes no dues to {org} in {month}").format(
                        member=mid, org=org, month=month
                    )
                )
    changes: dict[str, bytes | None] = {}
    skipped: list[str] = []
    with contextlib.ExitStack() as locks:
        # every file under its own lock, taken in one order: two clerks never deadlock
        for mid in sorted(set(named)):
            path = layout.member_path(mid)
            locks.enter_context(write.locked(root, path))
            data = store.read(path)
            member, _problems = load_file(path, data)
            if member is None:
                raise InputError(_("cannot read {path}").format(path=path))
            if everyone and any(row.month == month for row in member.dues):
                skipped.append(mid)  # paid already: --all takes only those who owe the month
                continue
            paid = amount if amount is not None else _standard(member, month, scale)
            row = {"month": month, "amount": paid, "paid_on": paid_on}
            changes[path] = write.append_row(path, data, "dues", row)
        if skipped:
            click.echo(
                _("paid {month} already, left out: {members}").format(
                    month=month, members=", ".join(skipped)
                ),
                err=True,
            )
        if not changes:
            click.echo(
                _("nothing to pay: every member of {org} has paid {month}").format(
                    org=org, month=month
                ),
                err=True,
            )
            return []
        return finish(root, store, changes)


def _standard(member: Any, month: str, scale: Any) -> str:
    """The member's standard for ``month`` as written (``"42.00"``), or InputError by name."""
    from ..rules.dues import standard_for

    found = standard_for(member, month, scale)
    if found is None:
        raise InputError(
            _(
                "--amount: no dues standard for {member} in {month} "
                "(no [[dues_base]] row in force); give --amount"
            ).format(member=member.id, month=month)
        )
    return f"{found:.2f}"


def _register_lists() -> None:
    """`dues standard` and `dues statement` (cli/dues_lists.py) join the group."""
    from .dues_lists import standard, statement

    dues.add_command(standard)
    dues.add_command(statement)


_register_lists()
