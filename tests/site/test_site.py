"""`dangjian site`: structure (links resolve inside the site, no external URL, balanced
markup), the numbers against the CLI's listings, hostile record values escaped,
personal numbers masked, and a second run rewriting nothing."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
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
    """Collects links and checks that every element is closed in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.links: list[str] = []
        self.errors: list[str] = []
        self.kpis: dict[str, str] = {}
        self._kpi: str | None = None
        self._in_n = False
        self.rows: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        for key in ("href", "src", "action", "xlink:href"):
            if a.get(key) is not None:
                self.links.append(a[key] or "")
        if "style" in a and "url(" in (a["style"] or ""):
            self.errors.append("inline style with url()")
        if any(k.startswith("on") for k in a):
            self.errors.append(f"event handler on <{tag}>")
        if a.get("data-k"):
            self._kpi = a["data-k"]
        if tag == "span" and a.get("class") == "n" and self._kpi:
            self._in_n = True
        if a.get("data-org"):
            self.rows[a["data-org"] or ""] = a.get("data-share") or ""
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.errors.append(f"self-closing <{tag}/>")

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self._in_n and self._kpi:
            self.kpis[self._kpi] = data.strip()
            self._in_n = False
            self._kpi = None


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


def test_home_numbers_equal_the_cli(built):
    repo, out = built
    page = parse(out / "index.html")
    overdue = cli_json(repo, "overdue", "--as-of", DAY)
    due = cli_json(repo, "due", "--as-of", DAY)
    assert page.kpis["overdue"] == str(len(overdue))
    assert page.kpis["due"] == str(len(due))
    orgs = cli_json(repo, "list", "orgs")
    assert page.kpis["orgs"] == str(len(orgs))
    ranked = cli_json(repo, "rank", "--year", "2025", "--as-of", DAY)
    shares = {r["org"]: r["share"] for r in ranked}
    assert page.rows, "the bottom of the ranking is shown"
    for org, shown in page.rows.items():
        assert shown == f"{shares[org] * 100:.1f}%", org
    marked = {r["org"] for r in ranked if r["rectify"]}
    assert marked <= set(page.rows)


def test_org_and_township_numbers_equal_the_cli(built):
    repo, out = built
    for org in ("hexi-town", "hexi-dongcun", "songling-township"):
        page = parse(out / "org" / f"{org}.html")
        overdue = cli_json(repo, "overdue", "--as-of", DAY, "--org", org, "--subtree")
        due = cli_json(repo, "due", "--as-of", DAY, "--org", org, "--subtree")
        assert page.kpis["overdue"] == str(len(overdue)), org
        assert page.kpis["due"] == str(len(due)), org
        sub = [o["id"] for o in cli_json(repo, "list", "orgs", "--org", org, "--subtree")]
        members = 0
        for oid in sub:
            info = cli_json(repo, "status", oid, "--as-of", DAY)
            members += sum(info["members"].values())
        assert page.kpis["members"] == str(members), org


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
