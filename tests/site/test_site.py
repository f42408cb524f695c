"""`dangjian site`: structure (links resolve inside the site, no external URL, balanced
markup), the numbers against the CLI's listings, hostile record values escaped,
personal numbers masked, and a second run rewriting nothing."""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import GIT_ENV, RecordsRepo

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_repo"
DAY = "2026-07-15"
VOID = {"meta", "link", "br", "img", "input", "hr", "col", "wbr", "source"}
#: SVG elements the templates close explicitly (html.parser sees them as ordinary tags)


class Page(HTMLParser):
    """Collects links, checks that every element is closed in order, and reads the
    numbers the page marks: a headline figure (``data-k``: the text of its ``n``
    element, and all its text), a value (``data-v``), a row's or block's share
    (``data-org``, ``data-block``, ``data-child`` with ``data-share``)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.open: list[dict[str, str]] = []  # the attributes of each open element
        self.links: list[str] = []
        self.errors: list[str] = []
        self.kpis: dict[str, str] = {}
        self.kpi_text: dict[str, str] = {}
        self.values: dict[str, str] = {}
        self.rows: dict[str, str] = {}
        self.blocks: dict[str, str] = {}
        self.children: dict[str, str] = {}
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        for key in ("href", "src", "action", "xlink:href"):
            if key in a:
                self.links.append(a[key])
        if "style" in a and "url(" in a["style"]:
            self.errors.append("inline style with url()")
        if any(k.startswith("on") for k in a):
            self.errors.append(f"event handler on <{tag}>")
        for key, into in (("data-org", self.rows), ("data-block", self.blocks)):
            if key in a:
                into[a[key]] = a.get("data-share", "")
        if "data-child" in a:
            self.children[a["data-child"]] = a.get("data-share", "")
        if tag not in VOID:
            self.stack.append(tag)
            self.open.append(a)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.errors.append(f"self-closing <{tag}/>")

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
            return
        self.stack.pop()
        self.open.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        kpi = next((a["data-k"] for a in reversed(self.open) if "data-k" in a), None)
        if kpi is not None:
            self.kpi_text[kpi] = self.kpi_text.get(kpi, "") + data
            if self.open and self.open[-1].get("class") == "n":
                self.kpis[kpi] = data.strip()
        if self.open and "data-v" in self.open[-1]:
            self.values[self.open[-1]["data-v"]] = data.strip()


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text("utf-8"))
    page.close()
    assert not page.stack, f"{path}: unclosed {page.stack}"
    assert not page.errors, f"{path}: {page.errors[:5]}"
    return page


def sample_in_git(tmp_path: Path) -> RecordsRepo:
    """The sample county copied, committed twice in the past (for the trends)."""
    repo = RecordsRepo(tmp_path / "county")
    shutil.copytree(SAMPLE, repo.root)
    repo.init_git()
    env = {**os.environ, **GIT_ENV}
    for when in ("2025-12-20T10:00:00", "2026-05-02T10:00:00"):
        (repo.root / "README.md").write_text(f"sample county ({when})\n", "utf-8")
        subprocess.run(["git", "add", "-A"], cwd=repo.root, env=env, check=True)
        subprocess.run(
            ["git", "commit", "-q", "-m", when],
            cwd=repo.root,
            env={**env, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when},
            check=True,
        )
    return repo


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[RecordsRepo, Path]:
    tmp = tmp_path_factory.mktemp("site")
    repo = sample_in_git(tmp)
    out = tmp / "site"
    result = repo.run("--lang", "en", "site", "--out", str(out), "--as-of", DAY)
    assert result.exit_code == 0, result.output + result.stderr
    return repo, out


def cli_json(repo: RecordsRepo, *args: str) -> object:
    result = repo.run("--lang", "en", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_every_link_resolves_inside_the_site_and_nothing_is_external(built):
    _repo, out = built
    pages = sorted(out.rglob("*.html"))
    assert len(pages) > 20
    for path in pages:
        page = parse(path)
        for link in page.links:
            parts = urlsplit(link)
            assert not parts.scheme and not parts.netloc, f"{path}: external link {link!r}"
            target = (path.parent / parts.path).resolve() if parts.path else path
            assert target.is_file(), f"{path}: {link!r} leads nowhere"
            assert out.resolve() in target.parents, f"{path}: {link!r} leaves the site"
    for path in [*pages, out / "style.css"]:
        text = path.read_text("utf-8")
        assert not re.search(r"https?:|//[a-z]|@import|<script|url\(", text, re.I), path


def shown(share: float) -> str:
    """A share as the site prints it: a percentage with one decimal, rounded down (a share
    rounded to four places, as rank's)."""
    return f"{math.floor(Decimal(str(share)) * 1000) / 10:.1f}%"


def share_met(repo: RecordsRepo, *scope: str) -> str:
    """Obligations met of owed this year, from `rank`'s met and owed columns."""
    rows = cli_json(repo, "rank", "--year", DAY[:4], "--as-of", DAY, *scope)
    met, owed = sum(r["met"] for r in rows), sum(r["owed"] for r in rows)
    return shown(round(met / owed, 4)) if owed else "–"


def dues_total(repo: RecordsRepo, org: str) -> dict[str, Decimal]:
    rows = cli_json(
        repo, "dues", "statement", "--org", org, "--subtree", "--year", DAY[:4], "--as-of", DAY
    )
    total = next(r for r in rows if r["month"] == DAY[:4] and r["member"] == "total")
    return {k: Decimal(total[k]) for k in ("standard", "paid", "paid_late", "unpaid")}


def members_by_status(repo: RecordsRepo, org: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for oid in [o["id"] for o in cli_json(repo, "list", "orgs", "--org", org, "--subtree")]:
        for status, n in cli_json(repo, "status", oid, "--as-of", DAY)["members"].items():
            counts[status] = counts.get(status, 0) + n
    return counts


def test_home_numbers_equal_the_cli(built):
    repo, out = built
    page = parse(out / "index.html")
    overdue = cli_json(repo, "overdue", "--as-of", DAY)
    due = cli_json(repo, "due", "--as-of", DAY)
    assert page.kpis["overdue"] == str(len(overdue))
    assert page.kpis["due"] == str(len(due))
    orgs = cli_json(repo, "list", "orgs")
    assert page.kpis["orgs"] == str(len(orgs))
    root = next(o["id"] for o in orgs if not o.get("parent"))
    members = members_by_status(repo, root)
    assert page.kpis["members"] == str(sum(members.values()))
    for status, n in members.items():
        assert page.values.get(f"m-{status}", "0") == str(n), status
    # notices open (a deadline, not rectified by the day) and past their deadline
    notices = cli_json(repo, "list", "notices", "--as-of", DAY)
    open_ = [
        n
        for n in notices
        if n["deadline"]
        and n["issued_on"] <= DAY
        and not (n["rectified_on"] and n["rectified_on"] <= DAY)
    ]
    assert page.kpis["notices"] == str(len(open_))
    assert page.values["notices_late"] == str(sum(n["deadline"] < DAY for n in open_))
    dues = dues_total(repo, root)
    amounts = re.findall(r"[\d,]+\.\d\d", page.kpi_text["dues"])
    assert amounts[:2] == [f"{dues['paid'] + dues['paid_late']:,.2f}", f"{dues['standard']:,.2f}"]
    # the share met, the county's and each township's block, against rank's met and owed
    assert page.values["share"] == share_met(repo)
    assert len(page.blocks) >= 3
    for town, shown_share in page.blocks.items():
        if town != root:
            assert shown_share == share_met(repo, "--org", town, "--subtree"), town
    # the bottom of the ranking: rank's own score for its year
    ranked = cli_json(repo, "rank", "--year", "2025", "--as-of", DAY)
    shares = {r["org"]: r["share"] for r in ranked}
    assert page.rows, "the bottom of the ranking is shown"
    for org, text in page.rows.items():
        assert text == shown(shares[org]), org
    marked = {r["org"] for r in ranked if r["rectify"]}
    assert marked <= set(page.rows)
    # the headline says the same
    lead = " ".join(page.text)
    assert f"{len(overdue)} obligations overdue and {len(due)} due" in lead


@pytest.mark.parametrize("org", ["hexi-town", "hexi-dongcun", "songling-township"])
def test_org_and_township_numbers_equal_the_cli(built, org):
    """A township page rolls up its branches; a branch page is the branch alone."""
    repo, out = built
    page = parse(out / "org" / f"{org}.html")
    overdue = cli_json(repo, "overdue", "--as-of", DAY, "--org", org, "--subtree")
    due = cli_json(repo, "due", "--as-of", DAY, "--org", org, "--subtree")
    assert page.kpis["overdue"] == str(len(overdue))
    assert page.kpis["due"] == str(len(due))
    sub = cli_json(repo, "list", "orgs", "--org", org, "--subtree")
    assert page.kpis["orgs"] == str(len(sub))
    members = members_by_status(repo, org)
    assert page.kpis["members"] == str(sum(members.values()))
    for status, n in members.items():
        assert page.values.get(f"m-{status}", "0") == str(n), status
    assert page.values["share"] == share_met(repo, "--org", org, "--subtree")
    dues = dues_total(repo, org)
    for key, amount in dues.items():
        assert page.values[key] == f"{amount:,.2f}", key
    for child, text in page.children.items():
        assert text == share_met(repo, "--org", child, "--subtree"), child
    info = cli_json(repo, "status", org, "--as-of", DAY)
    text = " ".join(page.text)
    if info["secretary_name"]:
        assert info["secretary_name"] in text
    if info["committee"]:
        assert info["committee"]["term_ends"] in text
    # every overdue finding of the subtree is listed on the page
    listed = (out / "org" / f"{org}.html").read_text("utf-8").count('<tr class="overdue">')
    assert listed == len(overdue)


def test_findings_pages_filter(built):
    repo, out = built
    overdue = cli_json(repo, "overdue", "--as-of", DAY)
    text = (out / "findings" / "s-overdue.html").read_text("utf-8")
    assert text.count('<tr class="overdue">') == len(overdue)
    dues = [ob for ob in overdue if ob["rule"] == "dues"]
    text = (out / "findings" / "r-dues.html").read_text("utf-8")
    assert text.count('<tr class="overdue">') == len(dues)
    town = cli_json(repo, "overdue", "--as-of", DAY, "--org", "hexi-town", "--subtree")
    text = (out / "findings" / "t-hexi-town.html").read_text("utf-8")
    assert text.count('<tr class="overdue">') == len(town)


def test_trends_read_the_records_as_they_stood(built):
    _repo, out = built
    text = (out / "trends.html").read_text("utf-8")
    assert "<polyline" in text
    cache = json.loads((out / ".dangjian-site-trends.json").read_text("utf-8"))
    assert cache, "past quarters are kept by commit"


def test_second_run_rewrites_nothing(built, tmp_path):
    repo, out = built
    copy = tmp_path / "again"
    shutil.copytree(out, copy)
    before = {p: p.stat().st_mtime_ns for p in copy.rglob("*") if p.is_file()}
    result = repo.run("--lang", "en", "site", "--out", str(copy), "--as-of", DAY)
    assert result.exit_code == 0, result.stderr
    assert "(0 changed)" in result.stderr
    after = {p: p.stat().st_mtime_ns for p in copy.rglob("*") if p.is_file()}
    assert after == before


def test_a_changed_record_rewrites_only_the_pages_it_shows_on(built, tmp_path):
    repo, out = built
    county = tmp_path / "county"
    shutil.copytree(repo.root, county)
    copy = tmp_path / "again"
    shutil.copytree(out, copy)
    before = {p: p.read_bytes() for p in copy.rglob("*.html")}
    meeting = county / "meetings" / "songling-lijia" / "2026-07-08-theme_day.toml"
    meeting.write_text(
        'org = "songling-lijia"\nkind = "theme_day"\ndate = 2026-07-08\n'
        'topic = "学习党章"\nattendees = []\n',
        "utf-8",
    )
    result = RecordsRepo(county).run(
        "--lang", "en", "site", "--out", str(copy), "--as-of", DAY, "--force"
    )
    assert result.exit_code == 0, result.stderr
    changed = {
        p.relative_to(copy).as_posix() for p, data in before.items() if p.read_bytes() != data
    }
    assert "org/songling-lijia.html" in changed
    assert "org/hexi-dongcun.html" not in changed and "org/hexi-town.html" not in changed
    n = len(changed)
    assert f"({n} changed)" in result.stderr
    assert 0 < n < len(before) / 2


def test_org_option_makes_the_site_of_a_subtree(built, tmp_path):
    repo, _out = built
    out = tmp_path / "hexi"
    result = repo.run(
        "--lang", "en", "site", "--out", str(out), "--as-of", DAY, "--org", "hexi-town"
    )
    assert result.exit_code == 0, result.stderr
    sub = {o["id"] for o in cli_json(repo, "list", "orgs", "--org", "hexi-town", "--subtree")}
    assert {p.stem for p in (out / "org").glob("*.html")} == sub
    page = parse(out / "index.html")
    overdue = cli_json(repo, "overdue", "--as-of", DAY, "--org", "hexi-town", "--subtree")
    assert page.kpis["overdue"] == str(len(overdue))
    assert page.kpis["orgs"] == str(len(sub))
    unknown = repo.run("site", "--out", str(tmp_path / "x"), "--as-of", DAY, "--org", "nowhere")
    assert unknown.exit_code != 0 and "Traceback" not in unknown.stderr
    assert "nowhere" in unknown.stderr


def dangjian() -> str:
    return shutil.which("dangjian") or str(Path(sys.executable).parent / "dangjian")


def test_progress_bar_on_a_terminal_only(built, tmp_path):
    repo, _out = built
    args = [dangjian(), "-C", str(repo.root), "--lang", "en", "site", "--as-of", DAY, "--out"]
    piped = subprocess.run([*args, str(tmp_path / "a")], capture_output=True, text=True)
    assert piped.returncode == 0, piped.stderr
    assert piped.stderr.splitlines() == [piped.stderr.strip()]  # the summary line alone
    assert "pages in" in piped.stderr and "[" not in piped.stderr
    # the same run with stderr on a terminal draws a bar through the steps to 100%
    master, slave = os.openpty()
    proc = subprocess.Popen(
        [*args, str(tmp_path / "b")], stdout=subprocess.DEVNULL, stderr=slave, stdin=slave
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # the terminal closed
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    assert proc.wait(timeout=120) == 0
    shown = b"".join(chunks).decode("utf-8", "replace")
    for step in ("reading records", "counting", "reading history", "writing pages"):
        assert step in shown
    assert "100%" in shown and "[####" in shown
    assert shown.rstrip().endswith("index.html")


def test_snapshots_give_the_same_site_as_a_whole_check(tmp_path, monkeypatch):
    """In a large git repository the site reads the snapshot's problems and kept answers
    (findings, the ranking's years), as the other read commands do; after an edit not
    yet committed, its pages equal those of a whole check with no cache."""
    from dangjian_cli.gitops import snapshot
    from dangjian_cli.site import figures

    monkeypatch.setattr(snapshot, "SNAPSHOT_FROM", 1)
    monkeypatch.setattr(snapshot, "CHANGED_SHARE", 1.0)
    asked: list[bool] = []
    gather = figures.gather

    def spy(*args, **kwargs):
        asked.append("findings" in kwargs and "years" in kwargs)
        return gather(*args, **kwargs)

    monkeypatch.setattr(figures, "gather", spy)
    repo = sample_in_git(tmp_path)
    site = ("--lang", "en", "site", "--as-of", DAY, "--out")
    first = repo.run(*site, str(tmp_path / "first"))
    assert first.exit_code == 0, first.stderr
    assert (repo.root / ".git" / snapshot.FOLDER).is_dir(), "the snapshot was used"
    repo.write(
        "meetings/songling-lijia/2026-07-08-theme_day.toml",
        """
        org = "songling-lijia"
        kind = "theme_day"
        date = 2026-07-08
        topic = "学习党章"
        attendees = []
        """,
    )
    kept = repo.run(*site, str(tmp_path / "kept"))
    assert kept.exit_code == 0, kept.stderr
    whole = repo.run("--no-cache", *site, str(tmp_path / "whole"))
    assert whole.exit_code == 0, whole.stderr
    assert asked == [True, True, False], "snapshot answers, then a whole check"
    pages = sorted(p.relative_to(tmp_path / "whole") for p in (tmp_path / "whole").rglob("*.html"))
    assert pages == sorted(
        p.relative_to(tmp_path / "kept") for p in (tmp_path / "kept").rglob("*.html")
    )
    for rel in pages:
        assert (tmp_path / "kept" / rel).read_bytes() == (tmp_path / "whole" / rel).read_bytes(), (
            rel
        )
    assert (tmp_path / "kept" / "org" / "songling-lijia.html").read_bytes() != (
        tmp_path / "first" / "org" / "songling-lijia.html"
    ).read_bytes(), "the edit shows"


def test_a_folder_that_is_not_a_site_is_refused(repo, tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me", "utf-8")
    result = repo.run("site", "--out", str(out), "--as-of", DAY)
    assert result.exit_code == 1
    assert "--force" in result.stderr
    assert (out / "notes.txt").read_text("utf-8") == "keep me"
    assert not (out / "index.html").exists()


def test_hostile_values_are_text_and_personal_numbers_masked(make_repo, tmp_path):
    repo = make_repo(
        {
            "orgs/village.toml": """
                name = "<script>alert('x')</script> Village"
                kind = "village_branch"
                parent = "town"
                established = 2000-01-01
                secretary = "m1"
            """,
            "members/m1.toml": """
                name = "javascript:alert(1) 13812345678"
                org = "village"
                status = "full"
                birth_date = 1970-05-01
                admitted = 2000-01-01
                full_since = 2001-01-01
                phone = "13812345678"
                id_number = "11010119700501123X"
            """,
        }
    )
    out = tmp_path / "site"
    result = repo.run("site", "--out", str(out), "--as-of", DAY, "--force")
    assert result.exit_code == 0, result.stderr
    every = "".join(p.read_text("utf-8") for p in out.rglob("*.html"))
    assert "<script" not in every
    assert "&lt;script&gt;" in every
    assert "13812345678" not in every and "11010119700501123X" not in every
    assert "138****5678" in every
    # no [[dues_base]] row: the standard is said to be unknown, not 0.00
    dues = parse(out / "index.html").kpi_text["dues"]
    assert "no standard known" in dues and "of 0.00" not in dues
    for path in out.rglob("*.html"):
        page = parse(path)
        assert not any(link.lower().startswith("javascript") for link in page.links)


def test_chinese_repository_speaks_chinese(built, tmp_path):
    repo, _out = built
    out = tmp_path / "zh"
    result = repo.run("site", "--out", str(out), "--as-of", DAY)
    assert result.exit_code == 0, result.stderr
    text = (out / "index.html").read_text("utf-8")
    assert 'lang="zh-CN"' in text
    assert "逾期" in text and "Overdue" not in text


# ---- in a real browser --------------------------------------------------------------

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--enable-logging=stderr",
    "--v=0",
)
#: what Chromium logs for a page error: a console message, a resource that did not load
BROWSER_ERRORS = re.compile(
    r"CONSOLE|Uncaught|Failed to load resource|Not allowed to load|net::ERR_", re.I
)
PAGES = [
    "index.html",
    "org/hexi-town.html",
    "org/hexi-dongcun.html",
    "findings/index.html",
    "trends.html",
]


def chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


needs_chromium = pytest.mark.skipif(
    chromium() is None, reason="Chromium is not installed (.ci/run installs Debian's chromium)"
)


def browse(tmp_path: Path, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    browser = chromium()
    assert browser is not None
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
    return subprocess.run(
        [browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args, url],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def browser_errors(done: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in done.stderr.splitlines() if BROWSER_ERRORS.search(line)]


@needs_chromium
def test_the_browser_check_sees_a_broken_page(tmp_path):
    """The check below can fail: a script error on a page is seen."""
    bad = tmp_path / "bad.html"
    bad.write_text(
        "<!DOCTYPE html><html><body><main>x</main><script>undefinedFn();</script></body></html>",
        "utf-8",
    )
    done = browse(tmp_path, bad.as_uri(), "--dump-dom")
    assert done.returncode == 0, done.stderr[-2000:]
    assert browser_errors(done)


@needs_chromium
@pytest.mark.parametrize("page", PAGES)
def test_pages_open_in_chromium_without_errors(built, tmp_path, page):
    _repo, out = built
    url = (out / page).resolve().as_uri()
    done = browse(tmp_path, url, "--dump-dom")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "</main>" in done.stdout
    errors = browser_errors(done)
    assert not errors, errors[:5]


@needs_chromium
@pytest.mark.parametrize("page", ["index.html", "org/hexi-town.html"])
@pytest.mark.parametrize("width", [1280, 390])
def test_screenshots_at_desktop_and_phone_width(built, tmp_path, page, width):
    _repo, out = built
    shot = tmp_path / f"shot-{width}.png"
    done = browse(
        tmp_path,
        (out / page).resolve().as_uri(),
        f"--screenshot={shot}",
        f"--window-size={width},900",
    )
    assert done.returncode == 0, done.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(data[16:20], "big") == width  # the IHDR width


#: a page of the test's own (the site has no script) that opens a site page in a frame
#: of a phone's width and writes what sticks out on the right into its own body
MEASURE = """<!DOCTYPE html><html><body style="margin:0">
<iframe id="f" src="{url}" style="width:{width}px;height:800px;border:0"></iframe>
<pre id="out">not measured</pre>
<script>
const f = document.getElementById("f");
f.addEventListener("load", () => {{
  const d = f.contentDocument, w = d.documentElement.clientWidth;
  const wide = [...d.querySelectorAll("body *")]
    .filter(e => e.getBoundingClientRect().right > w + 1 && !e.closest(".scroll"))
    .map(e => e.tagName.toLowerCase() + "." + e.className).slice(0, 5);
  document.getElementById("out").textContent =
    "scroll=" + d.documentElement.scrollWidth + " width=" + w + " wide=" + wide.join(",");
}});
</script></body></html>
"""


def measure(tmp_path: Path, page: Path, width: int) -> str:
    wrapper = tmp_path / f"measure-{page.stem}.html"
    wrapper.write_text(MEASURE.format(url=page.resolve().as_uri(), width=width), "utf-8")
    done = browse(tmp_path, wrapper.as_uri(), "--allow-file-access-from-files", "--dump-dom")
    assert done.returncode == 0, done.stderr[-2000:]
    found = re.search(r'<pre id="out">([^<]*)</pre>', done.stdout)
    assert found, done.stdout[-2000:]
    return found.group(1)


@needs_chromium
def test_the_width_check_sees_a_page_too_wide(tmp_path):
    wide = tmp_path / "wide.html"
    wide.write_text('<!DOCTYPE html><html><body><div style="width:600px">x</div></body></html>')
    assert "wide=div" in measure(tmp_path, wide, 390)


@needs_chromium
@pytest.mark.parametrize("page", PAGES)
def test_pages_fit_a_phone(built, tmp_path, page):
    """At 390 px nothing sticks out sideways but what scrolls in its own box (the
    meetings chart, the trend table)."""
    _repo, out = built
    got = measure(tmp_path, out / page, 390)
    scroll, width = (int(x) for x in re.findall(r"(?:scroll|width)=(\d+)", got))
    assert scroll <= width and got.endswith("wide="), got


@needs_chromium
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_pages_print_cleanly(built, tmp_path):
    """Printed on A4: the figures are there, the navigation is not, nothing is cut."""
    _repo, out = built
    pdf = tmp_path / "home.pdf"
    done = browse(
        tmp_path,
        (out / "index.html").resolve().as_uri(),
        f"--print-to-pdf={pdf}",
        "--no-pdf-header-footer",
    )
    assert done.returncode == 0, done.stderr[-2000:]
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert re.search(r"Page size:.*\(A4\)", info), info
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True
    ).stdout
    page = parse(out / "index.html")
    assert f"{page.kpis['overdue']}" in text and "overdue findings" in text
    assert "Skip to content" not in text  # the navigation is left out
    # the findings by rule run to the end of the page: every rule's id is printed
    rules = re.findall(r"<code>([a-z-]+)</code>", (out / "index.html").read_text("utf-8"))
    assert rules and all(rule in text for rule in rules), rules
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert 1 <= pages <= 4, info


def test_screenshots_are_kept_and_shown_in_the_readme():
    """docs/images holds the site at desktop and phone width (tools/site_screenshots.py
    makes them), and the README shows them."""
    readme = (ROOT / "README.md").read_text("utf-8")
    for name, width in (
        ("site-home-1280.png", 1280),
        ("site-home-390.png", 390),
        ("site-org-1280.png", 1280),
        ("site-org-390.png", 390),
    ):
        data = (ROOT / "docs" / "images" / name).read_bytes()
        assert int.from_bytes(data[16:20], "big") == width, name
        assert f"(docs/images/{name})" in readme, name
