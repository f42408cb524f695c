"""`dangjian render letter|notice|report|funding|transfer-letter` and `dangjian templates check`.

Thin: options in, library calls, file names and messages out. docx and jinja2 are
imported only inside the commands (``dangjian --help`` lists these groups
without loading them).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import click

from ..errors import DangjianError, InputError, Refused
from ..i18n import _, ngettext
from .common import (
    ISO_DATE,
    YEAR,
    as_of_option,
    is_terminal,
    load_records,
    options,
    repo_root,
    rev_option,
)
from .git import WRITTEN, commit_option

_output_options = options(
    click.option(
        "--out",
        "out_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Folder for the documents (default: out/ in the repository).",
    ),
    click.option("--pdf", is_flag=True, help="Also convert to PDF with LibreOffice."),
    click.option(
        "--lang",
        type=click.Choice(["en", "zh"]),
        default=None,
        help="Document language (default: the repository's `language`).",
    ),
    click.option(
        "--force",
        is_flag=True,
        help="Overwrite documents that exist, and render even from invalid records.",
    ),
    rev_option,
)


class Job:
    """What every render command does around its documents: load, place, write, convert."""

    def __init__(
        self,
        ctx: click.Context,
        out_dir: Path | None,
        lang: str | None,
        force: bool,
        rev: str | None,
        snapshot: bool = False,
    ) -> None:
        from ..records.write import safe_target, sweep
        from .obligations import checked_side, refuse_invalid

        self.root = repo_root(ctx)
        #: the side as its snapshot judges it (``snapshot``: a report that only reads)
        self.found: Any = None
        # like the listings: no document (nor numbered notice) from invalid records
        self._records: Any = None
        if snapshot:
            self._records, self.found = checked_side(ctx, rev, force, read=False)
        else:
            from ..checks import validate

            self._records = load_records(ctx, rev)
            refuse_invalid(validate(self._records), force)
        settings = (self._records or self.found.directory).settings
        self.lang = lang or settings.language or "en"
        #: the default out/ must not lead out of the repository through a link;
        #: an --out folder is the user's explicit choice
        self.inside = out_dir is None
        if self.inside:
            safe_target(self.root, "out")
        self.out = out_dir if out_dir is not None else self.root / "out"
        self.force = force
        self.written: list[Path] = []
        self.kept: list[Path] = []
        # temp and lock files of killed runs: a document writer's in the documents'
        # folder; a notice's writer, which writes a record too, anywhere
        if snapshot:
            sweep(self.out, below=False)
        else:
            sweep(self.root)

    @property
    def records(self) -> Any:
        """The records, read when first used (kept figures of a snapshot need none)."""
        if self._records is None:
            self._records = self.found.records
        return self._records

    def kept_document(
        self, question: tuple[str, ...], figures: Callable[[], Any], build: Callable[[Any], Any]
    ) -> Any:
        """The document ``build(figures())`` makes. Where a snapshot judged the side,
        both are kept by its exact state and ``question`` (``gitops.views``): the
        document, under the templates' stamp too, is written again as it was made;
        the figures, when only a template changed, are built into a document again."""
        if self.found is None:
            return build(figures())
        from ..documents.common import Document
        from ..documents.templating import stamp

        found = self.found

        def make() -> tuple[str, bytes]:
            document = build(found.figures(question, figures))
            return document.name, document.data

        templates = stamp(self.root, self.lang)
        name, data = found.figures(("document", *question, templates), make)
        return Document(name, data)

    def target(self, name: str) -> Path:
        return self.out / name

    def refuse_existing(self, names: list[str]) -> None:
        if self.force:
            return
        existing = [n for n in names if self.target(n).exists()]
        if existing:
            path = self.target(existing[0])
            raise Refused(
                _("{path} and {n} more exist (use --force to overwrite)").format(
                    path=path, n=len(existing) - 1
                )
                if len(existing) > 1
                else _("{path} exists (use --force to overwrite)").format(path=path)
            )

    def write(self, document: Any) -> None:
        from ..documents.builder import write_atomic
        from ..records.write import safe_target

        path = self.target(document.name)
        if self.inside:
            safe_target(self.root, f"out/{document.name}")
        force = self.force or self._orphan(document, path)
        try:
            write_atomic(path, document.data, force)
        except FileExistsError:
            raise Refused(_("{path} exists (use --force to overwrite)").format(path=path)) from None
        document.written = path
        self.written.append(path)

    def _orphan(self, document: Any, path: Path) -> bool:
        """Whether ``path`` is a notice document whose record was never written.

        A run killed between the two leaves it; the notice's number was not
        taken (no record), so the next notice of that number replaces it (the
        caller holds the notices folder's lock).
        """
        record = getattr(document, "record", None)
        if record is None or not path.exists() or (self.root / record[0]).exists():
            return False
        click.echo(
            _("replacing {path}: left by a notice that was never recorded").format(path=path),
            err=True,
        )
        return True

    def finish(self, pdf: bool, what: str) -> None:
        if pdf and self.written:
            from ..documents import pdf as pdf_mod

            note = pdf_mod.font_note() if self.lang == "zh" else None
            if note:
                click.echo(note, err=True)
            pdfs = pdf_mod.convert(self.written, self.out, self.force)
            self.written.extend(pdfs)
        if len(self.written) <= 4:
            for path in self.written:
                click.echo(str(path))
        else:
            click.echo(
                _("wrote {n} files ({what}) to {folder}").format(
                    n=len(self.written), what=what, folder=self.out
                )
            )
        if len(self.kept) > 1:
            click.echo(
                _("kept {n} existing files (--force to overwrite)").format(n=len(self.kept)),
                err=True,
            )


@click.group()
def render() -> None:
    """Word documents from the records: letters, notices, reports (see templates/)."""


@render.command()
@click.option("--year", type=YEAR, required=True, help="Year of the letter.")
@click.option("--org", "org", default=None, metavar="ID", help="The org that signs the letter.")
@click.option(
    "--children-of",
    "children_of",
    default=None,
    metavar="PARENT",
    help="Every org below PARENT that owes a letter (each from its own parent).",
)
@_output_options
@click.pass_context
def letter(
    ctx: click.Context,
    year: int,
    org: str | None,
    children_of: str | None,
    out_dir: Path | None,
    pdf: bool,
    lang: str | None,
    force: bool,
    rev: str | None,
) -> None:
    """Annual responsibility letter(s) (§1), tasks from the rules that apply to each org.

    With --children-of, a letter whose file exists is kept (named on stderr) and
    the others are rendered; the exit is 1 only if a letter failed, not for the
    kept ones. A single --org letter whose file exists is refused (exit 1).
    """
    if (org is None) == (children_of is None):
        raise click.UsageError("give exactly one of --org ID or --children-of PARENT")
    from ..documents.letter import letter_orgs, render_letter

    job = Job(ctx, out_dir, lang, force, rev)
    orgs = letter_orgs(job.records, year, org, children_of)
    if not orgs:
        raise Refused(
            _("no org below {org} owes a responsibility letter for {year}").format(
                org=children_of, year=year
            )
        )
    names = {o: f"letter-{year}-{o}.docx" for o in orgs}
    if org is not None:
        job.refuse_existing(list(names.values()))
    failed: list[str] = []

    def one(o: str) -> None:
        if not job.force and job.target(names[o]).exists():
            job.kept.append(job.target(names[o]))
            click.echo(kept_line(job.target(names[o])), err=True)
            return
        try:
            job.write(render_letter(job.records, o, year, job.lang, job.root))
        except DangjianError as exc:
            if org is not None:
                raise
            failed.append(o)  # the batch goes on; the exit says something failed
            failure = _("letter of {org}: {why}").format(org=o, why=exc)
            click.echo("dangjian: " + _("error: {message}").format(message=failure), err=True)

    if len(orgs) > 1 and is_terminal():
        with click.progressbar(orgs, label="letters", file=click.get_text_stream("stderr")) as bar:
            for o in bar:
                one(o)
    else:
        for o in orgs:
            one(o)
    job.finish(pdf, "letters")
    if failed:
        raise Refused(
            _("{n} of {total} letters failed: {orgs}").format(
                n=len(failed), total=len(orgs), orgs=", ".join(failed)
            )
        )


@render.command()
@click.option("--org", "org", required=True, metavar="ID", help="The org the notice is about.")
@click.option(
    "--kind",
    type=click.Choice(["criticism", "admonition", "rectification", "praise"]),
    required=True,
    help="Kind of notice.",
)
@as_of_option("Findings as of DATE (default today).")
@click.option("--deadline", type=ISO_DATE, default=None, help="Rectify by DATE.")
@click.option("--days", type=click.IntRange(1, 3650), default=None, help="Rectify within N days.")
@click.option(
    "--finding",
    "extra",
    multiple=True,
    metavar="TEXT",
    help="A finding (or, for praise, a reason) in words; repeatable.",
)
@click.option(
    "--issuer", default=None, metavar="ID", help="Issuing org (default: the org's parent)."
)
@_output_options
@commit_option("add", lambda p: f"{p['kind']} {p['org']}")
@click.pass_context
def notice(
    ctx: click.Context,
    org: str,
    kind: str,
    as_of: date | None,
    deadline: date | None,
    days: int | None,
    extra: tuple[str, ...],
    issuer: str | None,
    out_dir: Path | None,
    pdf: bool,
    lang: str | None,
    force: bool,
    rev: str | None,
) -> None:
    """A praise, criticism, admonition or rectification notice (§3), numbered from
    [numbering] (refused, exit 2, when it has no pattern for the issuer).

    Criticism, admonition and rectification list the org's overdue obligations as of --as-of,
    plus any --finding. The notice is also recorded as notices/<yyyy>/<nnn>.toml
    (with its deadline, so the `rectification` rule tracks it, and its findings
    as [[items]]: once its rectified_on is set they are settled, never listed again).
    """
    if deadline and days:
        raise click.UsageError("give --deadline or --days, not both")
    from ..documents.notice import issue_notice

    job = Job(ctx, out_dir, lang, force, rev)
    issued_on = as_of or date.today()
    if kind == "praise":
        if deadline or days:
            raise click.UsageError("a praise notice has no deadline")
    elif deadline is None:
        if days is None and kind == "rectification":
            days = 30
        if days:
            deadline = issued_on + timedelta(days=days)
    if deadline is not None and deadline < issued_on:
        raise click.BadParameter("the deadline is before the notice date", param_hint="--deadline")
    _notice, record = issue_notice(
        job.records,
        job.root,
        org_id=org,
        kind=kind,
        lang=job.lang,
        as_of=issued_on,
        issued_on=issued_on,
        deadline=deadline,
        extra=list(extra),
        issuer=issuer,
        write_docx=job.write,
    )
    click.echo(str(job.root / record))
    ctx.meta[WRITTEN] = (job.root, [record])  # for --commit
    job.finish(pdf, "notice")


@render.command()
@click.option("--org", "org", required=True, metavar="ID", help="The reporting org.")
@click.option("--period", required=True, metavar="PERIOD", help="2026-h1, 2026-h2 or 2026.")
@click.option("--subtree", is_flag=True, help="Include every org below --org.")
@as_of_option("Judge obligations as of DATE (default today).")
@_output_options
@click.pass_context
def report(
    ctx: click.Context,
    org: str,
    period: str,
    subtree: bool,
    as_of: date | None,
    out_dir: Path | None,
    pdf: bool,
    lang: str | None,
    force: bool,
    rev: str | None,
) -> None:
    """Half-year or annual work report (§2): obligations, meetings, members, dues, funds."""
    from ..documents.report import parse_span, report_context, report_document

    span = parse_span(period)
    job = Job(ctx, out_dir, lang, force, rev, snapshot=True)
    day = as_of or date.today()
    found = job.found

    def figures() -> Any:
        whole = None
        if found is not None:  # every org's obligations of the span, kept with the snapshot
            from ..gitops.queries import every
            from ..rules.engine import tracked_from

            whole = found.answer(every(day, tracked_from(job.records.settings, span.start)))
        return report_context(job.records, org, span, subtree, day, job.lang, whole)

    # a county's figures read every dues row and meeting: kept by the side's state
    question = ("report", org, span.label, str(subtree), day.isoformat(), job.lang)
    document = job.kept_document(
        question,
        figures,
        lambda found: report_document(org, span, subtree, job.lang, job.root, *found),
    )
    job.refuse_existing([document.name])
    job.write(document)
    job.finish(pdf, "report")


@render.command()
@click.option("--year", type=YEAR, required=True, help="Year investigated.")
@click.option("--org", "org", required=True, metavar="ID", help="The org investigated.")
@click.option("--subtree", is_flag=True, help="Include every org below --org.")
@click.option(
    "--date", "dated", type=ISO_DATE, default=None, help="Date of the report (default today)."
)
@click.option(
    "--problems",
    "problems_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Text file of the problems-and-suggestions section (blank lines part paragraphs); "
    "without it the section is left out.",
)
@_output_options
@click.pass_context
def funding(
    ctx: click.Context,
    year: int,
    org: str,
    subtree: bool,
    dated: date | None,
    problems_file: Path | None,
    out_dir: Path | None,
    pdf: bool,
    lang: str | None,
    force: bool,
    rev: str | None,
) -> None:
    """Funding guarantee investigation report (§11): money in and out, balances."""
    from ..documents.funding import funding_context, funding_document

    problems = None
    if problems_file is not None:
        try:
            text = problems_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"--problems: {problems_file}: {exc}") from None
        problems = [_joined(p) for p in text.replace("\r\n", "\n").split("\n\n")]
    job = Job(ctx, out_dir, lang, force, rev, snapshot=True)
    day = dated or date.today()

    def figures() -> Any:
        return funding_context(job.records, org, year, subtree, job.lang, day, problems)

    # a county's ledgers of the year: kept by the side's state, as a report's figures
    question = ("funding", org, str(year), str(subtree), day.isoformat(), job.lang,
                repr(problems))  # fmt: skip
    document = job.kept_document(
        question,
        figures,
        lambda context: funding_document(org, year, subtree, job.lang, job.root, context),
    )
    job.refuse_existing([document.name])
    job.write(document)
    job.finish(pdf, "funding report")


@render.command("transfer-letter")
@click.argument("member")
@click.option(
    "--row",
    "index",
    type=int,
    default=None,
    help="Which [[transfers]] row (0 the first, -1 the last; default the last).",
)
@_output_options
@commit_option("transfer letter", lambda p: p["member"])
@click.pass_context
def transfer_letter(
    ctx: click.Context,
    member: str,
    index: int | None,
    out_dir: Path | None,
    pdf: bool,
    lang: str | None,
    force: bool,
    rev: str | None,
) -> None:
    """Letter of introduction of a membership transfer (组织关系介绍信), with its receipt slip.

    Made from MEMBER's [[transfers]] row. A row without `letter` gets the next
    number of the issuer's `transfer` pattern in [numbering] (the issuer: a sending
    committee, or the committee above a sending branch), and a `valid_until` (the
    receipt deadline of rule transfer-receipt) when it has none: both are written into the row (one
    checked write, --commit commits it). A row with a number keeps it.
    """
    from ..documents.transfer import render_transfer_letter
    from ..records import layout, write
    from ..records.store import FolderStore
    from .records import finish

    member_id = member.strip().removeprefix("members/").removesuffix(".toml")
    path = layout.member_path(member_id)
    # the records read, the number taken and written under the members folder's lock
    # (two letters at once never share a number) and the member file's (no other write
    # of that file in between)
    with (
        write.locked(repo_root(ctx), "members", folder=True),
        write.locked(repo_root(ctx), path),
    ):
        job = Job(ctx, out_dir, lang, force, rev)
        document, i, updates = render_transfer_letter(
            job.records, job.root, member_id, index, job.lang
        )
        job.refuse_existing([document.name])
        if updates:
            if rev is not None:
                raise InputError(
                    "this transfer has no letter number yet: make the letter from the "
                    "work tree (without --rev), which records the number"
                )
            store = FolderStore(job.root)
            data = store.read(path)
            for key, value in updates.items():
                target = write.resolve_field(layout.MEMBER, f"transfers.{i}.{key}")
                data = write.set_value(path, data, target, value)
            finish(job.root, store, {path: data})
        job.write(document)
    job.finish(pdf, "transfer letter")


def _joined(paragraph: str) -> str:
    """The lines of a paragraph as one: a space between words, none between CJK lines."""
    out = ""
    for line in (part.strip() for part in paragraph.splitlines()):
        if line and out and (out[-1].isascii() and line[0].isascii()):
            out += " "
        out += line
    return out


@click.group()
def templates() -> None:
    """The document templates: check them, or copy the built-in ones to edit."""


@templates.command()
@click.option(
    "--lang", type=click.Choice(["en", "zh"]), default=None, help="Check one language only."
)
@click.pass_context
def check(ctx: click.Context, lang: str | None) -> None:
    """Render every template with sample values; report broken ones (exit 1)."""
    from ..documents.check import check_templates

    root = _optional_root(ctx)
    problems, checked = check_templates(root, [lang] if lang else ["en", "zh"])
    for line in problems:
        click.echo(line)
    click.echo(
        _("{problems} in {templates}").format(
            problems=ngettext("{n} problem", "{n} problems", len(problems)).format(n=len(problems)),
            templates=ngettext("{n} template", "{n} templates", checked).format(n=checked),
        )
    )
    if problems:
        ctx.exit(1)


@templates.command()
@click.option("--lang", type=click.Choice(["en", "zh"]), default=None, help="Copy one language.")
@click.option("--force", is_flag=True, help="Overwrite templates the repository already has.")
@click.pass_context
def copy(ctx: click.Context, lang: str | None, force: bool) -> None:
    """Copy the built-in templates into the repository's templates/ to edit them."""
    from ..documents.builder import write_atomic
    from ..documents.templating import builtin_root
    from ..records.write import safe_target

    root = repo_root(ctx)
    copied = 0
    for language in [lang] if lang else ["en", "zh"]:
        for source in sorted((builtin_root() / language).iterdir()):
            if not source.is_file():
                continue
            # a templates/ folder linked out of the repository is refused
            target = safe_target(root, f"templates/{language}/{source.name}")
            if target.exists() and not force:
                click.echo(kept_line(target), err=True)
                continue
            write_atomic(target, source.read_bytes(), force=True)
            click.echo(str(target))
            copied += 1
    if not copied:
        raise Refused(_("nothing copied"))


def kept_line(path: Path) -> str:
    """What is said of a file left as it was."""
    return _("kept {path} (exists; --force to overwrite)").format(path=path)


def _optional_root(ctx: click.Context) -> Path | None:
    try:
        return repo_root(ctx)
    except InputError:
        if (ctx.find_root().obj or {}).get("repo"):
            raise
        return None  # outside a repository: check the built-in templates
