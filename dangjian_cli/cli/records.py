"""`dangjian init`, `dangjian new ...` and `dangjian set`: writing records.

Every writing command works the same way: work out the pending changes
(``{path: bytes}``), hand them to :func:`finish`, which refuses a change that
would add validation errors, writes the files atomically and prints their paths.

For ``--commit`` (:func:`.git.commit_option`), :func:`finish` returns the
repository paths it wrote and leaves them in ``ctx.meta[WRITTEN]`` as
``(root, paths)``. ``init`` makes its own first commit.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import click

from ..checks import validate as run_checks
from ..errors import InputError, Refused
from ..records import layout, write
from ..records import model as m
from ..records.names import resolve
from ..records.schema import ROWS, SPECS
from ..records.store import FolderStore, Store
from .common import ISO_DATE, YEAR, repo_root
from .git import WRITTEN, commit_option, set_detail

_PERIOD = re.compile(r"(\d{4})-[hH]([12])\Z")

# ---- the shared write path ---------------------------------------------------------


def finish(
    root: Path,
    store: Store,
    changes: dict[str, bytes | None],
    new: tuple[str, ...] = (),
    renamed: tuple[str, str] | None = None,
) -> list[str]:
    """Validate, write and report one change; the repository paths written.

    Paths in ``new`` are created, never replaced (another writer's file of that
    name is refused). What killed writers left (temp and lock files) is swept first.
    ``renamed`` (old, new): a file that moves; where git tracks it, it moves with
    `git mv` (git sees a rename) before its new content is written.
    """
    write.sweep(root)
    warnings = write.guard(store, changes, run_checks)
    moved = renamed is not None and _git_tracked(root, renamed[0])
    if renamed is not None and moved:
        _git_mv(root, *renamed)
        new = tuple(p for p in new if p != renamed[1])
    try:
        written = write.apply(root, changes, new)
    except BaseException:
        if renamed is not None and moved:  # put the file back where git had it
            with contextlib.suppress(InputError):
                _git_mv(root, renamed[1], renamed[0])
        raise
    for problem in warnings:
        click.echo(problem.text(), err=True)
    if renamed is not None:
        from ..i18n import _

        how = _("renamed {old} -> {new} (git mv)") if moved else _("renamed {old} -> {new}")
        click.echo(how.format(old=renamed[0], new=renamed[1]), err=True)
        if not moved:  # an untracked file's old name is nothing git could commit
            written = [p for p in written if p != renamed[0]]
    for path in written:
        if changes.get(path) is not None:
            click.echo(path)
    click.get_current_context().meta[WRITTEN] = (root, written)
    return written


def _git_mv(root: Path, old: str, new: str) -> None:
    """``git mv old new`` in the repository at ``root``; InputError with git's words."""
    done = subprocess.run(
        [shutil.which("git") or "git", "mv", "--", old, new],
        cwd=root,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise InputError(f"git mv {old} {new} failed: {_first_line(done.stderr)}")


def _open(ctx: click.Context) -> tuple[Path, FolderStore]:
    root = repo_root(ctx)
    return root, FolderStore(root)


def _place(path: str) -> str:
    """``path`` if it is a legal record path, else InputError saying why not."""
    try:
        layout.classify(path)
    except layout.LayoutError as exc:
        raise InputError(str(exc)) from None
    return path


def _fresh(store: Store, path: str, force: bool) -> None:
    if store.exists(path) and not force:
        raise Refused(
            f"refused: {path} already exists (change it with `dangjian set`, "
            "or replace it with --force)"
        )


def _split(values: tuple[str, ...]) -> list[str]:
    """Repeated options and comma-separated values, as one list."""
    return [item.strip() for v in values for item in v.split(",") if item.strip()]


def _parsed(parse: Callable[[str, str], Any], name: str) -> Callable:
    """A click callback reading an option's value with ``parse`` (a ``write.parse_*``
    function), its refusal said as click's usage error on the option."""

    def callback(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
        if value is None:
            return None
        try:
            return parse(value, param.name or name)
        except InputError as exc:
            raise click.BadParameter(str(exc)) from None

    return callback


#: ``--amount`` and the like: money (or a score) as a record keeps it
_amount = _parsed(write.parse_amount, "amount")


def _org_field(store: Store, org: str, field: str) -> Any:
    """One field of an org record, read directly (no full load) for defaults."""
    path = layout.org_path(org)
    if not store.exists(path):
        return None
    from ..records.parse import parse  # never raises: an unreadable org gives no default

    doc, _ = parse(path, store.read(path))
    return doc.get(field) if doc is not None else None


force_option = click.option(
    "--force", is_flag=True, help="Replace a record that already exists at that path."
)


# ---- init --------------------------------------------------------------------------


@click.command()
@click.argument("path", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--lang",
    type=click.Choice(m.LANGUAGES),
    default=None,
    help="Language of the repository: its output, documents and settings comments "
    "(default: zh, or the global --lang / DANGJIAN_LANG).",
)
@click.option("--name", default=None, help="Name of the repository (default: the folder name).")
@click.option(
    "--tracking-since",
    type=ISO_DATE,
    default=None,
    help="Obligations are owed from this date (default: 1 January this year).",
)
@click.option("--force", is_flag=True, help="Make the repository in a folder that is not empty.")
def init(
    path: Path, lang: str | None, name: str | None, tracking_since: date | None, force: bool
) -> None:
    """Make a new records repository at PATH: settings, folders, git, first commit.

    PATH must be empty or missing (or use --force); a folder that already holds
    dangjian.toml is always refused. Without git the folder is still made. The
    clerks who keep the records read Chinese: a repository is `zh` unless asked.
    """
    from .. import i18n

    lang = lang or i18n.override() or "zh"
    i18n.use_repository(lang)  # say what is done in the new repository's language
    _ = i18n._
    if (path / layout.SETTINGS_FILE).exists():
        raise Refused(
            _("refused: {path} already holds {file}").format(path=path, file=layout.SETTINGS_FILE)
        )
    if path.exists() and any(path.iterdir()) and not force:
        raise Refused(
            _("refused: {path} is not empty (use --force to make the repository there)").format(
                path=path
            )
        )
    since = tracking_since or date(date.today().year, 1, 1)
    files = write.scaffold(name or path.resolve().name, lang, since)
    written: list[str] = []
    for rel, data in files.items():
        target = path / rel
        if rel == ".gitignore" and target.exists():
            old = target.read_bytes()
            if b"out/" in old.splitlines():
                continue
            data = old + (b"" if not old or old.endswith(b"\n") else b"\n") + data
        elif target.exists():
            continue  # an existing .gitkeep
        write.write_atomic(target, data)
        written.append(rel)
    click.echo(
        _("made records repository {path} ({lang}, tracking since {day})").format(
            path=path, lang=lang, day=i18n.date_name(since)
        )
    )
    _git_first_commit(path, written)


#: the branch a new records repository starts on
BRANCH = "main"


def _git_first_commit(path: Path, files: list[str]) -> None:
    """``git init`` (unless PATH already is a git repository) and commit ``files``."""
    from ..i18n import _

    git = shutil.which("git")
    if git is None:
        click.echo(_("git not found: the folder is made, but not a git repository"), err=True)
        return

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([git, *args], cwd=path, capture_output=True, text=True)

    if not (path / ".git").exists():
        # `main` whatever git's own default (`master` on many machines): the branch
        # `hooks install --pre-receive` guards, and the one review compares with
        done = run("init", "-q", "--initial-branch", BRANCH)
        if done.returncode:
            click.echo(_("git init failed: {why}").format(why=_first_line(done.stderr)), err=True)
            return
        click.echo(_("git: new repository, branch {branch}").format(branch=BRANCH))
    if not files:
        return
    steps = (
        ("add", "--", *files),
        ("commit", "-q", "-m", "Start records repository", "--", *files),
    )
    for args in steps:
        done = run(*args)
        if done.returncode:
            click.echo(
                _("git {step} failed: {why} (the files are in place; commit them yourself)").format(
                    step=args[0], why=_first_line(done.stderr or done.stdout)
                ),
                err=True,
            )
            return
    commit = run("rev-parse", "--short", "HEAD").stdout.strip()
    click.echo(_("git: first commit {commit}").format(commit=commit))


def _first_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[0] if lines else "unknown error"


# ---- new ---------------------------------------------------------------------------


@click.group()
def new() -> None:
    """Write a new record from options (refused if it would make the records invalid)."""


@new.command("org")
@click.argument("org_id", metavar="ID")
@click.option("--name", required=True, help="Display name.")
@click.option("--kind", required=True, type=click.Choice(m.ORG_KINDS), help="Kind of org.")
@click.option("--parent", help="Id of the higher org (leave out only at the top).")
@click.option("--established", type=ISO_DATE, help="Date the org was set up.")
@click.option("--secretary", help="Member id of the secretary.")
@click.option("--party-groups/--no-party-groups", default=None, help="Divided into party groups.")
@click.option("--poor-village", is_flag=True, default=None, help="A poor village (§9).")
@force_option
@commit_option("add")
@click.pass_context
def new_org(ctx: click.Context, org_id: str, force: bool, **opts: Any) -> list[str]:
    """Write orgs/ID.toml.

    A secretary must already be a member: for a new branch, write the org, then
    its members (`new member ... --org ID`), then `dangjian set ID secretary M`.
    """
    root, store = _open(ctx)
    path = _place(layout.org_path(org_id))
    _fresh(store, path, force)
    order = ("name", "kind", "parent", "established", "secretary", "party_groups", "poor_village")
    data = write.new_document((k, opts[k]) for k in order)
    return finish(root, store, {path: data}, () if force else (path,))


@new.command("member")
@click.argument("member_id", metavar="ID")
@click.option("--name", required=True, help="Full name.")
@click.option("--org", required=True, help="Org that keeps the membership.")
@click.option("--status", required=True, type=click.Choice(m.MEMBER_STATUSES))
@click.option("--gender")
@click.option("--birth-date", type=ISO_DATE)
@click.option("--id-number", help="18-character resident ID.")
@click.option("--phone")
@click.option("--applied", type=ISO_DATE)
@click.option("--activist-since", type=ISO_DATE)
@click.option("--candidate-since", type=ISO_DATE)
@click.option("--admitted", type=ISO_DATE, help="Admission date (starts probation).")
@click.option("--full-since", type=ISO_DATE)
@force_option
@commit_option("add")
@click.pass_context
def new_member(ctx: click.Context, member_id: str, force: bool, **opts: Any) -> list[str]:
    """Write members/ID.toml."""
    root, store = _open(ctx)
    path = _place(layout.member_path(member_id))
    _fresh(store, path, force)
    from ..records.roster import MEMBER_ORDER  # a new member's file, as an import writes it

    data = write.new_document((k, opts[k]) for k in MEMBER_ORDER if k in opts)
    return finish(root, store, {path: data}, () if force else (path,))


@new.command("meeting")
@click.argument("org")
@click.option("--date", "day", required=True, type=ISO_DATE, help="Date held.")
@click.option("--kind", required=True, type=click.Choice(m.MEETING_KINDS))
@click.option("--attendee", "attendees", multiple=True, help="Member id present (repeat, or a,b).")
@click.option("--absent", "absent", multiple=True, metavar="ID[:REASON]", help="Member absent.")
@click.option("--topic")
@click.option("--location")
@click.option("--chair")
@click.option("--recorder")
@click.option("--lecturer")
@click.option("--online", is_flag=True, default=None, help="Held online (§7).")
@click.option("--election", is_flag=True, default=None, help="The meeting held an election.")
@click.option("--minutes")
@commit_option("add")
@click.pass_context
def new_meeting(
    ctx: click.Context,
    org: str,
    day: date,
    kind: str,
    attendees: tuple[str, ...],
    absent: tuple[str, ...],
    **opts: Any,
) -> list[str]:
    """Write meetings/ORG/DATE-KIND.toml (DATE-KIND-2.toml if that exists)."""
    root, store = _open(ctx)
    _place(layout.org_path(org))
    rows = []
    for item in absent:
        member, _, reason = item.partition(":")
        rows.append({"member": member.strip(), "reason": reason.strip() or None})
    fields = [("kind", kind), ("date", day)]
    fields += [(k, opts[k]) for k in ("topic", "location", "chair", "recorder", "lecturer")]
    fields += [("attendees", _split(attendees))]
    fields += [(k, opts[k]) for k in ("online", "election", "minutes")]
    # the next free -n is decided under the folder's lock, and the file is made
    # exclusively: two clerks recording the same meeting get -1 and -2
    with write.locked(root, f"meetings/{org}", folder=True):
        path = _place(write.next_meeting_path(store, org, day, kind))
        data = write.new_document(fields, {"absent": rows})
        return finish(root, store, {path: data}, (path,))


@new.command("fund")
@click.argument("org")
@click.option("--date", "day", required=True, type=ISO_DATE)
@click.option("--direction", required=True, type=click.Choice(m.FUND_DIRECTIONS))
@click.option("--source", required=True, type=click.Choice(m.FUND_SOURCES))
@click.option("--category", type=click.Choice(m.FUND_CATEGORIES), help="Needed for an expense.")
@click.option("--amount", required=True, callback=_amount, help="Like 120.50 or 300.")
@click.option("--purpose")
@click.option("--voucher")
@click.option("--approved-by")
@commit_option("add", lambda p: f"entry {p['day'].isoformat()}")
@click.pass_context
def new_fund(ctx: click.Context, org: str, day: date, **opts: Any) -> list[str]:
    """Add an [[entry]] to funds/ORG/YYYY.toml (made if missing)."""
    root, store = _open(ctx)
    _place(layout.org_path(org))
    path = _place(layout.fund_path(org, day.year))
    order = ("direction", "source", "category", "amount", "purpose", "voucher", "approved_by")
    row = {"date": day, **{k: opts[k] for k in order}}
    with write.locked(root, path):  # read, append and write under the ledger's lock
        old = store.read(path) if store.exists(path) else None
        data = write.append_row(path, old, "entry", row)
        return finish(root, store, {path: data}, () if old is not None else (path,))


@new.command("letter")
@click.option("--org", required=True, help="The org that signs the letter.")
@click.option("--year", type=YEAR, help="Year of the letter (default: the year signed).")
@click.option("--parent", help="The higher org (default: the org's parent).")
@click.option("--signed-on", required=True, type=ISO_DATE)
@click.option("--task", "tasks", multiple=True, help="A task of the letter (repeat).")
@click.option("--signatory", "signatories", multiple=True, help="A signatory (repeat).")
@force_option
@commit_option("add")
@click.pass_context
def new_letter(
    ctx: click.Context,
    org: str,
    year: int | None,
    parent: str | None,
    signed_on: date,
    tasks: tuple[str, ...],
    signatories: tuple[str, ...],
    force: bool,
) -> list[str]:
    """Write letters/YEAR/ORG.toml, the responsibility letter parent -> org (§1)."""
    root, store = _open(ctx)
    path = _place(layout.letter_path(year or signed_on.year, org))
    _fresh(store, path, force)
    parent = parent or _org_field(store, org, "parent")
    fields = [
        ("parent", parent),
        ("org", org),
        ("signed_on", signed_on),
        ("tasks", list(tasks)),
        ("signatories", list(signatories)),
    ]
    data = write.new_document(fields)
    return finish(root, store, {path: data}, () if force else (path,))


@new.command("report")
@click.option("--org", required=True, help="The reporting org.")
@click.option("--period", required=True, help="Half-year, like 2026-h1.")
@click.option("--submitted-on", required=True, type=ISO_DATE)
@click.option("--to", "to", help="The org reported to (default: the org's parent).")
@click.option("--summary")
@force_option
@commit_option("add")
@click.pass_context
def new_report(
    ctx: click.Context,
    org: str,
    period: str,
    submitted_on: date,
    to: str | None,
    summary: str | None,
    force: bool,
) -> list[str]:
    """Write reports/ORG/YYYY-hN.toml, a half-year work report (§2)."""
    match = _PERIOD.match(period.strip())
    if not match:
        raise click.BadParameter(
            f"{period!r} is not a half-year like 2026-h1", param_hint="--period"
        )
    year, half = int(match.group(1)), int(match.group(2))
    root, store = _open(ctx)
    path = _place(layout.report_path(org, year, half))
    _fresh(store, path, force)
    fields = [
        ("org", org),
        ("to", to or _org_field(store, org, "parent")),
        ("period", f"{year}-h{half}"),
        ("submitted_on", submitted_on),
        ("summary", summary),
    ]
    data = write.new_document(fields)
    return finish(root, store, {path: data}, () if force else (path,))


def _append_rows(
    root: Path,
    store: Store,
    path: str,
    key: str,
    build: Callable[[Any], tuple[dict[str, Any], dict[str, Any]]],
) -> list[str]:
    """Append a ``[[key]]`` row to an existing record and set fields with it.

    ``build(record)`` gives the row and the fields, from the record as read under
    its lock: the file is read, changed and written under that lock and checked
    as one change.
    """
    from ..i18n import _
    from ..records.repository import load_file

    with write.locked(root, path):
        if not store.exists(path):
            raise InputError(_("no record {path}").format(path=path))
        old = store.read(path)
        record, _problems = load_file(path, old)
        if record is None:
            raise InputError(_("cannot read {path}").format(path=path))
        row, fields = build(record)
        data = write.append_row(path, old, key, row)
        kind = layout.classify(path).kind
        for name, value in fields.items():
            data = write.set_value(path, data, write.resolve_field(kind, name), value)
        return finish(root, store, {path: data})


@new.command("transfer")
@click.argument("member")
@click.option("--to", "to", required=True, help="The receiving org.")
@click.option("--date", "day", required=True, type=ISO_DATE, help="Date of the transfer.")
@click.option("--from", "from_", help="The sending org (default: the member's org that day).")
@click.option("--letter", help="Number of the introduction letter (组织关系介绍信).")
@click.option("--valid-until", type=ISO_DATE, help="Last day the letter is valid.")
@click.option("--received-on", type=ISO_DATE, help="Day the receipt slip came back.")
@click.option(
    "--out",
    is_flag=True,
    help="The receiving org is outside this repository: the member leaves the roll "
    "(status transferred_out, left_on the date).",
)
@commit_option("transfer", lambda p: f"to {p['to']} {p['day'].isoformat()}")
@click.pass_context
def new_transfer(
    ctx: click.Context,
    member: str,
    to: str,
    day: date,
    from_: str | None,
    out: bool,
    **letter: Any,
) -> list[str]:
    """Add a [[transfers]] row to a member's file, and move the member to the org.

    Within the repository the member's `org` becomes the receiving org; a
    transfer to an org outside it takes --out. Refused if the records would be
    invalid (a transfer dated before the last one, a member who has left).
    """
    from ..i18n import _

    root, store = _open(ctx)
    path = _place(layout.member_path(member))
    known = bool(layout.SLUG.match(to)) and store.exists(layout.org_path(to))
    if known == out:
        message = (
            _("--to: {org} is an org of this repository; leave out --out")
            if known
            else _("--to: no org {org} in this repository (a transfer out of it takes --out)")
        )
        raise InputError(message.format(org=to))

    def build(record: m.Member) -> tuple[dict[str, Any], dict[str, Any]]:
        row = {"date": day, "from": from_ or record.org_on(day), "to": to}
        row.update((k, letter[k]) for k in ("letter", "valid_until", "received_on"))
        if out:
            return row, {"status": "transferred_out", "left_on": day}
        return row, {"org": to}

    return _append_rows(root, store, path, "transfers", build)


@new.command("project")
@click.argument("org")
@click.option("--name", required=True, help="Name of the collective-economy project.")
@click.option("--started", type=ISO_DATE)
@click.option("--ended", type=ISO_DATE)
@click.option("--annual-income", callback=_amount, help="Like 52000 or 52000.50.")
@commit_option("project", lambda p: str(p["name"]))
@click.pass_context
def new_project(ctx: click.Context, org: str, **opts: Any) -> list[str]:
    """Add a [[projects]] row (a collective-economy project) to orgs/ORG.toml."""
    root, store = _open(ctx)
    path = _place(layout.org_path(org))
    row = {k: opts[k] for k in ("name", "started", "ended", "annual_income")}
    return _append_rows(root, store, path, "projects", lambda _org: (row, {}))


@new.command("assessment")
@click.argument("org")
@click.option("--year", required=True, type=YEAR, help="Year assessed.")
@click.option("--grade", required=True, type=click.Choice(m.GRADES))
@click.option("--secretary", help="Member id assessed (default: the org's secretary).")
@click.option("--score", callback=_amount, help="Like 92 or 91.5.")
@click.option("--assessed-on", type=ISO_DATE, help="Date of the debriefing.")
@force_option
@commit_option("add")
@click.pass_context
def new_assessment(ctx: click.Context, org: str, year: int, force: bool, **opts: Any) -> list[str]:
    """Write assessments/YEAR/ORG.toml, the secretary's debriefing assessment."""
    root, store = _open(ctx)
    path = _place(layout.assessment_path(year, org))
    _fresh(store, path, force)
    fields = [
        ("org", org),
        ("secretary", opts["secretary"] or _org_field(store, org, "secretary")),
        ("year", year),
        ("grade", opts["grade"]),
        ("score", opts["score"]),
        ("assessed_on", opts["assessed_on"]),
    ]
    return finish(root, store, {path: write.new_document(fields)}, () if force else (path,))


@new.command("notice")
@click.option("--kind", required=True, type=click.Choice(m.NOTICE_KINDS))
@click.option("--target", required=True, help="The org the notice is about.")
@click.option("--issuer", help="The issuing org (default: the target's parent).")
@click.option("--issued-on", required=True, type=ISO_DATE)
@click.option("--finding", "findings", multiple=True, help="What the notice states (repeat).")
@click.option("--deadline", type=ISO_DATE, help="Rectify by this date.")
@click.option("--number", help="The document number (default: the next from [numbering]).")
@commit_option("add")
@click.pass_context
def new_notice(
    ctx: click.Context,
    kind: str,
    target: str,
    issuer: str | None,
    issued_on: date,
    findings: tuple[str, ...],
    deadline: date | None,
    number: str | None,
) -> list[str]:
    """Write notices/YEAR/NNN.toml by hand, numbered as `render notice` numbers them.

    The file and the number are the next free ones, taken under the notices
    folder's lock (two clerks never share a number); no document is made.
    """
    from ..documents.notice import folder_lock, next_claim, notice_record, number_pattern
    from ..i18n import _, language
    from .common import load_records

    root, store = _open(ctx)
    _place(layout.org_path(target))
    issuer = issuer or _org_field(store, target, "parent")
    if not issuer:
        raise InputError(_("--issuer: {org} has no parent; give --issuer").format(org=target))
    year = issued_on.year
    pattern = "{n}"
    if number is None:
        numbering = load_records(ctx, store=store).settings.numbering or {}
        pattern = number_pattern(numbering, issuer, kind, language())
    with folder_lock(write.safe_target(root, f"notices/{year}")):
        claim = next_claim(root, year, pattern)
        texts = [f.strip() for f in findings if f.strip()]
        data = notice_record(
            kind, number or claim.number, issuer, target, issued_on, texts, deadline
        )
        return finish(root, store, {claim.path: data}, (claim.path,))


_hours = _parsed(write.parse_hours, "hours")


def _participants(
    ctx: click.Context,
    items: tuple[str, ...],
    store: Store,
    members_of: tuple[str, ...],
    day: date,
) -> list[dict[str, Any]]:
    """``[[participants]]`` rows from ``ID[:HOURS]`` options and from every (probationary
    or full) member of the ``--members-of`` orgs on ``day``; each member once, in order."""
    rows: dict[str, dict[str, Any]] = {}
    if members_of:
        from .common import load_records

        records = load_records(ctx, store=store)
        for org in members_of:
            if org not in records.orgs:
                raise InputError(f"--members-of: no org {org!r} in this repository")
            for mb in sorted(records.members.values(), key=lambda x: x.id):
                if mb.status_on(day) in m.MEMBER_NOW and mb.org_on(day) == org:
                    rows.setdefault(mb.id, {"member": mb.id, "hours": None})
    for item in _split(items):
        member, sep, hours = item.partition(":")
        own = write.parse_hours(hours, f"--participant {member.strip()}") if sep else None
        rows[member.strip()] = {"member": member.strip(), "hours": own}
    return list(rows.values())


@new.command("training")
@click.argument("training_id", metavar="[ID]", required=False)
@click.option("--title", required=True, help="Name of the training or study class.")
@click.option("--organiser", required=True, help="The org that held it.")
@click.option("--start", required=True, type=ISO_DATE, help="First day (its year is the folder).")
@click.option("--end", type=ISO_DATE, help="Last day (default: the first).")
@click.option("--hours", required=True, callback=_hours, help="Hours (学时), like 24 or 31.5.")
@click.option("--audience", required=True, type=click.Choice(m.TRAINING_AUDIENCES))
@click.option(
    "--participant",
    "participants",
    multiple=True,
    metavar="ID[:HOURS]",
    help="A member who took part, with their hours if fewer than the training's (repeat, or a,b).",
)
@click.option(
    "--members-of",
    "members_of",
    multiple=True,
    metavar="ORG",
    help="Every probationary and full member of ORG on the first day takes part (repeat).",
)
@force_option
@commit_option("add")
@click.pass_context
def new_training(
    ctx: click.Context,
    training_id: str | None,
    start: date,
    participants: tuple[str, ...],
    members_of: tuple[str, ...],
    force: bool,
    **opts: Any,
) -> list[str]:
    """Write trainings/YEAR/ID.toml, a training and who took part (study-hours,
    secretary-training, candidate-training count it).

    Without ID the file is named after the organiser and the first day
    (ORGANISER-YYYY-MM-DD, then -2, -3...), taken under the year folder's lock.
    """
    root, store = _open(ctx)
    _place(layout.org_path(opts["organiser"]))
    rows = _participants(ctx, participants, store, members_of, start)
    order = ("title", "organiser", "start", "end", "hours", "audience")
    values = {**opts, "start": start}
    fields = [(k, values[k]) for k in order]
    folder = f"trainings/{start.year}"
    with write.locked(root, folder, folder=True):
        if training_id is not None:
            path = _place(layout.training_path(start.year, training_id))
            _fresh(store, path, force)
        else:
            base, n = f"{opts['organiser']}-{start.isoformat()}", 1
            path = _place(layout.training_path(start.year, base))
            while store.exists(path):
                n += 1
                path = _place(layout.training_path(start.year, f"{base}-{n}"))
        data = write.new_document(fields, {"participants": rows})
        new = () if force and training_id is not None else (path,)
        return finish(root, store, {path: data}, new)


# ---- set ---------------------------------------------------------------------------


def _pairs(items: tuple[str, ...]) -> list[tuple[str, str]]:
    """``FIELD=VALUE`` arguments as (field, value) pairs, in order."""
    from ..i18n import _

    pairs = []
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise click.UsageError(
                _("{item!r} is not FIELD=VALUE (give every field as FIELD=VALUE)").format(item=item)
            )
        pairs.append((name.strip(), value))
    return pairs


def _grouped(kind: str, pairs: list[tuple[str, str]], prefix: str = "") -> list[tuple[Any, Any]]:
    """(target, value) per field named, values of a repeated field taken together
    (``tasks=a tasks=b``, a list of two), each parsed by the field's type."""
    order: dict[str, list[str]] = {}
    for name, value in pairs:
        order.setdefault(name, []).append(value)
    out = []
    for name, values in order.items():
        target = write.resolve_field(kind, prefix + name)
        out.append((target, write.parse_value(target, values)))
    return out


def _set_detail(params: dict[str, Any]) -> str:
    """The commit message's detail: ``status=full full_since=2026-05-01``, personal values
    named only; ``--append dues month=...`` for a new row."""
    field = str(params.get("field", ""))
    values = tuple(params.get("values") or ())
    if "=" not in field:
        return set_detail(params)
    from ..privacy import mask_text, path_kind

    shown = []
    for item in (field, *values):
        name, _sep, value = item.partition("=")
        shown.append(name if path_kind(name) else f"{name}={mask_text(value)}")
    append = params.get("append")
    return (f"+{append} " if append else "") + " ".join(shown)


def _git_tracked(root: Path, path: str) -> bool:
    """Whether git tracks ``path`` in the repository at ``root`` (False without git)."""
    git = shutil.which("git")
    if git is None:
        return False
    done = subprocess.run(
        [git, "ls-files", "--error-unmatch", "--", path], cwd=root, capture_output=True
    )
    return done.returncode == 0


def _meeting_place(store: Store, path: str, data: bytes) -> str:
    """Where a meeting file belongs after an edit: its own path while its date and kind
    still match the name, else the next free ``<date>-<kind>[-n]`` in its folder."""
    loc = layout.classify(path)
    stem = layout.MEETING_STEM.match(loc.id)
    from ..records.parse import parse

    doc, _ = parse(path, data)
    if doc is None:
        return path
    day, kind = doc.get("date"), doc.get("kind")
    if not isinstance(day, date) or not isinstance(kind, str) or stem is None:
        return path
    if (day.isoformat(), kind) == (stem["date"], stem["kind"]):
        return path
    if kind not in m.MEETING_KINDS:
        return path  # refused by the check: no file name for an unknown kind
    return write.next_meeting_path(store, loc.folder, day, kind)


@click.command("set")
@click.argument("record")
@click.argument("field", metavar="FIELD[=VALUE]")
@click.argument("values", nargs=-1, metavar="[VALUE | FIELD=VALUE]...")
@click.option("--unset", is_flag=True, help="Remove FIELD (or a row, like dues.0).")
@click.option(
    "--append",
    metavar="TABLE",
    help="Add a row to the array of tables TABLE from the FIELD=VALUE arguments.",
)
@commit_option("set", _set_detail)
@click.pass_context
def set_field(
    ctx: click.Context,
    record: str,
    field: str,
    values: tuple[str, ...],
    unset: bool,
    append: str | None,
) -> list[str]:
    """Change fields of RECORD (or add a row), keeping the rest of the file as it is.

    RECORD is a path (members/vy-a) or a bare id (vy-a). FIELD may be dotted:
    committee.elected, mobile.location, dues.-1.paid_on (a row by index, -1 the
    last), stars.2025, rules.theme-day.min. Values take the field's type: dates
    as 2026-03-15, true/false, amounts as 12.50; a list of ids takes several
    values or a,b,c (tasks, findings, signatories: one item per value).

    Several fields change in one write, checked together, as FIELD=VALUE...
    (`set vy-a status=full full_since=2026-05-01`). --append TABLE adds a row
    (`set vy-a --append dues month=2026-06 amount=12.00 paid_on=2026-06-20`).
    A meeting whose date or kind changes moves to the file name that matches
    (with `git mv` where git tracks it; the next free -n if the name is taken).
    """
    from ..i18n import _

    root, store = _open(ctx)
    path = resolve(store, record)
    try:
        kind = layout.classify(path).kind
    except layout.LayoutError as exc:
        raise InputError(f"cannot set fields of {path}: {exc}") from None
    several = "=" in field or append is not None
    if several:
        if unset:
            raise click.UsageError(_("--unset takes one FIELD, not FIELD=VALUE"))
        pairs = _pairs((field, *values))
    else:
        target = write.resolve_field(kind, field)
        if unset and values:
            raise click.UsageError("--unset takes no VALUE")
        if not unset and not values:
            raise click.UsageError("give a VALUE for FIELD (or --unset to remove it)")
    if append is not None:
        table = SPECS[kind].fields.get(append)
        if table is None or table.type != ROWS:
            rows = [name for name, f in SPECS[kind].fields.items() if f.type == ROWS]
            raise InputError(
                _("--append: a {kind} record has no rows {table} (rows: {rows})").format(
                    kind=kind, table=append, rows=", ".join(rows) or "-"
                )
            )
        row = {t.key[-1]: v for t, v in _grouped(kind, pairs, f"{append}.0.")}
    folder = (
        write.locked(root, f"meetings/{layout.classify(path).folder}", folder=True)
        if kind == layout.MEETING
        else contextlib.nullcontext()
    )
    # read-modify-write under the file's lock (a concurrent `set` is not lost); a
    # meeting also under its folder's lock, where a renamed file takes its free name
    with folder, write.locked(root, path):
        data = store.read(path)
        if append is not None:
            changed = write.append_row(path, data, append, row)
        elif several:
            changed = data
            for target, value in _grouped(kind, pairs):
                changed = write.set_value(path, changed, target, value)
        elif unset:
            changed = write.unset_value(path, data, target)
        else:
            changed = write.set_value(path, data, target, write.parse_value(target, values))
        if changed == data:
            from ..i18n import _

            click.echo(_("{path}: unchanged").format(path=path), err=True)
            return []
        place = _meeting_place(store, path, changed) if kind == layout.MEETING else path
        if place == path:
            return finish(root, store, {path: changed})
        with contextlib.ExitStack() as locks:
            changes = {path: None, place: changed}
            changes.update(_meeting_refs_moved(ctx, root, store, path, place, locks))
            return finish(root, store, changes, (place,), renamed=(path, place))


def _meeting_refs_moved(
    ctx: click.Context,
    root: Path,
    store: Store,
    old: str,
    new: str,
    locks: contextlib.ExitStack,
) -> dict[str, bytes | None]:
    """The org files whose ``decided_at`` named the meeting at ``old``, naming ``new``:
    a renamed meeting takes the references to it along, in the same checked write.
    Each org file is read and changed under its lock (held by ``locks``)."""
    from ..records.repository import load_file
    from .common import load_records

    before, after = layout.meeting_ref(old), layout.meeting_ref(new)
    changes: dict[str, bytes | None] = {}
    for org in sorted(load_records(ctx, store=store).orgs.values(), key=lambda o: o.path):
        rows = [i for i, ch in enumerate(org.secretary_changes) if ch.decided_at == before]
        if not rows:
            continue
        locks.enter_context(write.locked(root, org.path))
        data = store.read(org.path)
        fresh, _problems = load_file(org.path, data)  # as it is now, under its lock
        changes_of = fresh.secretary_changes if isinstance(fresh, m.Org) else []
        rows = [i for i, ch in enumerate(changes_of) if ch.decided_at == before]
        for i in rows:
            target = write.resolve_field(layout.ORG, f"secretary_changes.{i}.decided_at")
            data = write.set_value(org.path, data, target, after)
        changes[org.path] = data
    return changes
