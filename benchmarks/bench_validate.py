"""Start-up and `validate` speed (issue 2 targets).

.venv/bin/python benchmarks/bench_validate.py [--records 20000] [--runs 5]
"""

from __future__ import annotations

import argparse

from common import DANGJIAN, dataset, report, timed

COLD = {"DANGJIAN_CACHE": "0"}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--records", type=int, default=20000)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    repo = dataset(args.records)
    validate = [DANGJIAN, "-C", str(repo), "validate"]
    size = f"{args.records // 1000}k records"
    rows = [
        ("dangjian --help", timed([DANGJIAN, "--help"], args.runs * 2), "< 0.25 s"),
        (f"validate, {size}, cold (no cache)", timed(validate, args.runs, env=COLD), "< 3 s"),
    ]
    timed(validate, 1)  # fills the parse cache
    rows.append((f"validate, {size}, warm (cache)", timed(validate, args.runs), ""))
    report(rows)


if __name__ == "__main__":
    main()
