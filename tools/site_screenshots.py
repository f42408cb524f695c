"""The overview site's screenshots in docs/images, shown in the README.

    .venv/bin/python tools/site_screenshots.py [--chromium PATH]

Makes the sample county's site (Chinese, as of 2026-07-15) in a temporary folder
with the installed `dangjian` and photographs the home page and a township's page
(河西镇) with headless Chromium at desktop (1280 px) and phone (390 px) width:
docs/images/site-home-1280.png, site-home-390.png, site-org-1280.png and
site-org-390.png. Chromium is Debian's `chromium` package (.ci/run installs it).
tests/site/test_site.py checks that the four images are there, of those widths,
and shown in the README.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
IMAGES = ROOT / "docs" / "images"
DAY = "2026-07-15"
#: (image, page, width, height): heights show a page's first screens, not all of it
SHOTS = (
    ("site-home-1280.png", "index.html", 1280, 1060),
    ("site-home-390.png", "index.html", 390, 1500),
    ("site-org-1280.png", "org/hexi-town.html", 1280, 1240),
    ("site-org-390.png", "org/hexi-town.html", 390, 1500),
)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--chromium", default=shutil.which("chromium") or "chromium")
    args = ap.parse_args()
    dangjian = Path(sys.executable).parent / "dangjian"
    with tempfile.TemporaryDirectory(prefix="site-shots-") as tmp:
        county = Path(tmp) / "county"
        shutil.copytree(ROOT / "sample_repo", county)  # outside git: no history read
        out = Path(tmp) / "site"
        cmd = [str(dangjian), "-C", str(county), "site", "--out", str(out), "--as-of", DAY]
        subprocess.run(cmd, check=True)
        for image, page, width, height in SHOTS:
            subprocess.run(
                [
                    args.chromium,
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--hide-scrollbars",
                    "--no-first-run",
                    f"--user-data-dir={Path(tmp) / 'profile'}",
                    f"--window-size={width},{height}",
                    f"--screenshot={IMAGES / image}",
                    (out / page).as_uri(),
                ],
                check=True,
                capture_output=True,
            )
            print(f"docs/images/{image}")


if __name__ == "__main__":
    main()
