"""`dangjian site`: a static overview site of the county (dangjian_cli/site/)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from .common import as_of_option, repo_root


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
    the day. Personal numbers are masked.
    """
    import sys

    from ..i18n import _
    from ..site import figures, output, pages, trends
    from .obligations import _org_id, load_checked

    day = as_of or date.today()
    records = load_checked(ctx, None, force)
    only = _org_id(records, org) if org else None
    output.prepare(out, force)
    fig = figures.gather(records, day, only)
    steps = trends.QUARTERS
    with click.progressbar(length=steps, label=_("Reading history"), file=sys.stderr) as bar:
        history = trends.trends(
            repo_root(ctx), day, fig.townships, out, progress=lambda: bar.update(1)
        )
    built = pages.Site(fig, history)
    paths = built.paths()
    written: set[str] = set()
    changed = 0
    with click.progressbar(length=len(paths), label=_("Writing pages"), file=sys.stderr) as bar:
        for rel, data in built.pages():
            written.add(rel)
            changed += output.write_if_changed(out, rel, data)
            bar.update(1)
    output.remove_stale(out, written)
    click.echo(
        _("{n} pages in {out} ({changed} changed); open {index}").format(
            n=len(written), out=out, changed=changed, index=out / "index.html"
        ),
        err=True,
    )
