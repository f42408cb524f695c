"""Roster import and export speed (issue 14 targets: import of a 40,000-member roster
in under 60 s; `list members --format xlsx` of the full synthetic county in under 15 s).

    .venv/bin/python benchmarks/bench_tables.py [--members 40000] [--runs 1]

1. `list members --format xlsx --show-personal` of the full synthetic county
   (synth.py's default: 1,200 orgs, 40,000 members, ~155k records), warm cache.
2. `import members` of a 40,000-row roster (unique valid ID numbers, namesakes,
   dates as Excel dates and as text) into a county that has its settings and
   1,200 orgs but no members yet: the day a county starts using dangjian. Every
   row is read, checked, validated with the records and written atomically.
3. The same roster imported again (`--dry-run`): every row matched, nothing to change.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
import tomllib
from datetime import date, timedelta
from pathlib import Path

from common import DANGJIAN, dataset, report, timed

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FAMILY = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华建国红梅志强天佑"
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(n: int, born: date) -> str:
    body = f"{360700 + n % 90:06d}{born:%Y%m%d}{n % 1000:03d}"
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, WEIGHTS, strict=True)) % 11]


def roster(path: Path, orgs: list[str], members: int, seed: int = 1) -> None:
    """A county roster of ``members`` rows over ``orgs``, written with dangjian's writer."""
    from dangjian_cli.tables.sheets import DATE, TEXT, Sheet, write_xlsx

    r = random.Random(seed)
    heads = ["姓名", "性别", "民族", "出生日期", "公民身份号码", "学历", "人员类别"]
    heads += ["入党时间", "转正时间", "所在党组织", "联系电话", "工作单位及职务"]
    kinds = [TEXT, TEXT, TEXT, DATE, TEXT, TEXT, TEXT, DATE, TEXT, TEXT, TEXT, TEXT]
    rows = []
    used: set[str] = set()
    for n in range(members):
        born = date(1940, 1, 1) + timedelta(days=r.randrange(365 * 62))
        number = id_number(n, born)
        while number in used:
            n += 1_000_003
            number = id_number(n, born)
        used.add(number)
        admitted = born + timedelta(days=365 * 20 + r.randrange(365 * 20))
        admitted = min(admitted, date(2025, 6, 1))
        probationary = r.random() < 0.05
        name = r.choice(FAMILY) + "".join(r.choice(GIVEN) for _ in range(r.choice((1, 2))))
        rows.append(
            [
                name,
                r.choice(("男", "女")),
                "汉族" if r.random() < 0.95 else "畲族",
                born,
                number,
                r.choice(("大学本科", "大专", "高中", "初中", "研究生")),
                "预备党员" if probationary else "正式党员",
                admitted,
                None if probationary else (admitted + timedelta(days=366)).strftime("%Y.%m.%d"),
                r.choice(orgs),
                f"13{r.randrange(10**9):09d}",
                "村民",
            ]
        )
    write_xlsx(path, [Sheet("花名册", heads, rows, kinds)])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--members", type=int, default=40000)
    ap.add_argument("--runs", type=int, default=1)
    args = ap.parse_args()
    county = dataset(None)
    work = Path(tempfile.mkdtemp(prefix="bench-tables-"))
    try:
        out = work / "county.xlsx"
        list_args = [DANGJIAN, "-C", str(county), "list", "members", "--format", "xlsx"]
        list_args += ["--out", str(out), "--force", "--show-personal"]
        subprocess.run(list_args, check=True, capture_output=True)  # warms the records cache
        listed = timed(list_args, args.runs)

        fresh = work / "county"
        fresh.mkdir()
        shutil.copy(county / "dangjian.toml", fresh / "dangjian.toml")
        shutil.copytree(county / "orgs", fresh / "orgs")
        branches = [
            p.stem
            for p in sorted((fresh / "orgs").glob("*.toml"))
            if "branch" in tomllib.loads(p.read_text(encoding="utf-8")).get("kind", "")
        ]
        book = work / "roster.xlsx"
        roster(book, branches, args.members)

        def empty(_i: int) -> None:
            shutil.rmtree(fresh / "members", ignore_errors=True)
            (fresh / "members").mkdir()

        import_args = [DANGJIAN, "-C", str(fresh), "import", "members", str(book)]
        imported = timed(import_args, args.runs, before=empty)
        count = len(list((fresh / "members").glob("*.toml")))
        again = timed([*import_args, "--dry-run"], 1)
        report(
            [
                ("list members --format xlsx (full county)", listed, "< 15 s"),
                (f"import members ({args.members} rows, {count} written)", imported, "< 60 s"),
                ("import members again --dry-run (all unchanged)", again, ""),
            ]
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
