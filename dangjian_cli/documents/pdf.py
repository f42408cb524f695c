"""PDF through LibreOffice: ``soffice --headless --convert-to pdf``, made safe to script.

Each run gets its own profile folder (two conversions at once otherwise fight over
the user profile and one silently does nothing), a timeout, and a check that every
PDF exists: soffice can exit 0 without writing one. PDFs are converted in a temp
folder and then moved into place, so a failure leaves no partial file.

The official Chinese faces (仿宋_GB2312, 方正小标宋简体, 黑体, 楷体_GB2312, 宋体) are
not free; offices have them, build machines do not. The conversion passes
LibreOffice a fontconfig file that aliases them to the installed Noto CJK faces
(Serif for the Song/FangSong/Kai faces, Sans for 黑体), so the PDF still reads as
an official document; :func:`font_note` says which faces were stood in for.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from xml.sax.saxutils import escape

from ..errors import InputError
from ..records.write import temp_prefix

#: official face -> installed stand-in (first one fontconfig has wins)
ALIASES: dict[str, tuple[str, ...]] = {
    "方正小标宋简体": ("Noto Serif CJK SC", "Source Han Serif SC", "AR PL UMing CN"),
    "小标宋": ("Noto Serif CJK SC", "Source Han Serif SC"),
    "仿宋_GB2312": ("Noto Serif CJK SC", "Source Han Serif SC", "AR PL UMing CN"),
    "仿宋": ("Noto Serif CJK SC", "Source Han Serif SC"),
    "FangSong": ("Noto Serif CJK SC", "Source Han Serif SC"),
    "楷体_GB2312": ("Noto Serif CJK SC", "AR PL UKai CN"),
    "楷体": ("Noto Serif CJK SC", "AR PL UKai CN"),
    "KaiTi": ("Noto Serif CJK SC", "AR PL UKai CN"),
    "宋体": ("Noto Serif CJK SC", "Source Han Serif SC"),
    "SimSun": ("Noto Serif CJK SC", "Source Han Serif SC"),
    "黑体": ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei"),
    "SimHei": ("Noto Sans CJK SC", "Source Han Sans SC"),
    "Calibri": ("Carlito", "Liberation Sans", "DejaVu Sans"),
}
OFFICIAL = ("方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312", "宋体")


def soffice() -> str | None:
    """The LibreOffice command, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def fontconfig_text() -> str:
    """A fontconfig file: the system configuration plus the official-face aliases."""
    lines = [
        '<?xml version="1.0"?>',
        '<!DOCTYPE fontconfig SYSTEM "fonts.dtd">',
        "<fontconfig>",
        '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>',
    ]
    for face, stand_ins in ALIASES.items():
        prefer = "".join(f"<family>{escape(s)}</family>" for s in stand_ins)
        lines.append(
            f'  <alias binding="same"><family>{escape(face)}</family>'
            f"<prefer>{prefer}</prefer></alias>"
        )
    lines.append("</fontconfig>")
    return "\n".join(lines) + "\n"


def installed_families() -> set[str]:
    """Font families fontconfig knows (empty when fc-list is missing)."""
    fc_list = shutil.which("fc-list")
    if not fc_list:
        return set()
    try:
        out = subprocess.run(
            [fc_list, ":", "family"], capture_output=True, text=True, timeout=30, check=False
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return set()
    return {name.strip() for line in out.splitlines() for name in line.split(",")}


def font_note() -> str | None:
    """What the PDF uses in place of official faces that are not installed (None: all there)."""
    families = installed_families()
    missing = [face for face in OFFICIAL if face not in families]
    if not missing:
        return None
    used = []
    for face in missing:
        stand_in = next((s for s in ALIASES[face] if s in families), None)
        used.append(f"{face} -> {stand_in or 'a fallback face'}")
    return (
        "note: official faces not installed here; the PDF uses "
        + ", ".join(used)
        + " (the .docx still names the official faces)"
    )


def _for_libreoffice(source: Path, folder: Path) -> Path:
    """A copy whose text grid LibreOffice lays out like Word does.

    Word and WPS squeeze 28 characters into the GB/T 9704 character grid;
    LibreOffice spreads CJK text over two cells a character instead. The copy
    keeps the 22-line grid and drops only the character grid.
    """
    import zipfile

    target = folder / source.name
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/document.xml":
                data = data.replace(b'w:type="linesAndChars"', b'w:type="lines"')
            zout.writestr(item, data)
    return target


def convert(docx_files: list[Path], out_dir: Path, force: bool, timeout: float = 0) -> list[Path]:
    """PDFs of ``docx_files`` in ``out_dir`` (same stem); InputError with the reason on failure."""
    command = soffice()
    if command is None:
        raise InputError(
            "--pdf needs LibreOffice (soffice), which is not installed; "
            "install libreoffice-writer-nogui (Debian/Ubuntu) or convert the .docx in Word/WPS"
        )
    targets = [out_dir / (f.stem + ".pdf") for f in docx_files]
    if not force:
        existing = [t for t in targets if t.exists()]
        if existing:
            raise FileExistsError(17, "exists (use --force to overwrite)", str(existing[0]))
    timeout = timeout or 120 + 3 * len(docx_files)
    work = Path(tempfile.mkdtemp(prefix="dangjian-pdf-"))
    try:
        profile = work / "profile"
        conf = work / "fonts.conf"
        conf.write_text(fontconfig_text(), encoding="utf-8")
        converted = work / "pdf"
        converted.mkdir()
        sources = work / "docx"
        sources.mkdir()
        copies = [_for_libreoffice(f, sources) for f in docx_files]
        env = {**os.environ, "FONTCONFIG_FILE": str(conf), "HOME": str(work)}
        args = [
            command,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--nologo",
            "--convert-to",
            "pdf",
            "--outdir",
            str(converted),
            *(str(f) for f in copies),
        ]
        try:
            result = subprocess.run(
                args, capture_output=True, text=True, timeout=timeout, env=env, check=False
            )
        except subprocess.TimeoutExpired:
            raise InputError(f"LibreOffice did not finish the PDF within {timeout:.0f} s") from None
        written = []
        for source, target in zip(docx_files, targets, strict=True):
            pdf = converted / (source.stem + ".pdf")
            if not pdf.is_file() or pdf.stat().st_size == 0:
                detail = (result.stderr or result.stdout).strip().splitlines()
                raise InputError(
                    f"LibreOffice wrote no PDF for {source.name} (exit {result.returncode}"
                    + (f": {detail[-1]}" if detail else "")
                    + ")"
                )
            written.append((pdf, target))
        out_dir.mkdir(parents=True, exist_ok=True)
        for pdf, target in written:
            # named by host and pid: the next run removes it if this one is killed
            staged = target.with_name(f"{temp_prefix(target.name)}pdf.tmp")
            shutil.move(str(pdf), staged)  # may cross file systems: copy next to target first
            os.replace(staged, target)
        return targets
    finally:
        shutil.rmtree(work, ignore_errors=True)
