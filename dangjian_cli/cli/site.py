"""`dangjian site`: a static overview site of the county (dangjian_cli/site/)."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Any

import click

from .common import as_of_option, repo_root

#: the share of the progress bar each step takes (about its share of a warm run)
STEPS = {"records": 0.4, "figures": 0.2, "history": 0.1, "pages": 0.3}


class Progress:
    """One progress bar on stderr across the site's steps, each given a fixed share of
    it; nothing at all when stderr is not a terminal (a log or a pipe gets only the
    summary line)."""

    UNITS = 1000

    def __init__(self) -> None:
        self.shown = sys.stderr.isatty()
        self.bar: Any = None
        self.label = ""
        self.pos = 0.0  # where the bar should be, in units
        self.drawn = 0  # where it is
        self.end = 0.0  # the end of the current step
        self.each = 0.0  # one tick of the current step

    def __enter__(self) -> Progress:
        if self.shown:
            self.bar = click.progressbar(
                length=self.UNITS,
                label="dangjian site",
                file=sys.stderr,
                show_eta=False,
                item_show_func=lambda item: item,
            ).__enter__()
        return self

    def __exit__(self, kind: object, *exc: object) -> None:
        if self.bar is not None:
            if kind is None:  # done: the bar ends full
                self.pos = self.UNITS
                self._draw()
            self.bar.__exit__(kind, *exc)

    def step(self, label: str, share: float, ticks: int = 1) -> None:
        """Begin a step: the previous one is complete, this one has ``ticks`` to go."""
        self.pos = max(self.pos, self.end)
        self.end = self.pos + share * self.UNITS
        self.each = share * self.UNITS / max(ticks, 1)
        self.label = label
        self._draw()

    def tick(self) -> None:
        self.pos = min(self.pos + self.each, self.end)
        self._draw()

    def _draw(self) -> None:
        if self.bar is None:
            return
        n = int(self.pos) - self.drawn
        self.drawn += n
        if n:
            self.bar.update(n, self.label)
        elif self.bar.current_item != self.label:  # a new step that has not moved yet
            self.bar.current_item = self.label
            self.bar.render_progress()


@click.command()
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder to write the site into (only changed pages are rewritten).",
)
@as_of_option("The day the figures are for (default: today).")
@click.option("--org", default=None, metavar="ID", help="Only this org and the orgs below it.")
@click.option(
    "--force",
    is_flag=True,
    help="Compute even if the records are invalid; write into a folder that is not a site.",
)
@click.pass_context
def site(ctx: click.Context, out: Path, as_of: date | None, org: str | None, force: bool) -> None:
    """Write a static overview site: county, townships, orgs, findings, trends.

    Plain HTML, CSS and inline SVG that open from a folder with no network; the
    numbers are the listings' (overdue, due, rank, status, dues statement) for
    the day. Personal numbers are masked. A progress bar shows on a terminal.
    """
    from ..i18n import _
    from ..site import figures, output, pages, trends
    from .obligations import _org_id, checked_side

    day = as_of or date.today()
    with Progress() as bar:
        bar.step(_("reading records"), STEPS["records"])
        # as every read command: in a large git repository the snapshot's problems and
        # kept answers (the day's findings, the ranking's years), else a whole check
        records, found = checked_side(ctx, None, force)
        only = _org_id(records, org) if org else None
        output.prepare(out, force)
        bar.step(_("counting"), STEPS["figures"])
        kept: dict[str, Any] = {}
        if found is not None:
            from ..gitops import queries

            kept["findings"] = found.answer(queries.findings(day))
            kept["years"] = {y: found.answer(queries.year(y, day)) for y in figures.years(day)}
        fig = figures.gather(records, day, only, **kept)
        bar.step(_("reading history"), STEPS["history"], trends.QUARTERS)
        history = trends.trends(repo_root(ctx), day, fig.townships, out, progress=bar.tick)
        built = pages.Site(fig, history)
        bar.step(_("writing pages"), STEPS["pages"], len(built.paths()))
        written: set[str] = set()
        changed = 0
        for rel, data in built.pages():
            written.add(rel)
            changed += output.write_if_changed(out, rel, data)
            bar.tick()
        output.remove_stale(out, written)
    click.echo(
        _("{n} pages in {out} ({changed} changed); open {index}").format(
            n=len(written), out=out, changed=changed, index=out / "index.html"
        ),
        err=True,
    )
