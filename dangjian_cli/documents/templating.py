"""Finding and rendering the text templates, with a repository's own templates first.

Search order for ``<kind>.md.j2`` and ``reference.docx`` in language ``lang``:
``<repository>/templates/<lang>/``, then the built-in
``templates/<lang>/`` of this project, shipped inside the package (so an
installed, non-editable package finds them too). Parsed templates and reference
bytes are cached per process: a batch of hundreds of letters parses each once.

A repository's templates are untrusted: every template, built-in or not, renders
in one sandboxed environment (:mod:`.sandbox`), and no file is read through a link
out of the repository's ``templates/`` folder.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..errors import InputError
from . import markup
from .words import format_date, money

KINDS = ("letter", "notice", "report", "funding", "transfer")
LANGS = ("en", "zh")
REFERENCE = "reference.docx"

_ENVS: dict[tuple[str, tuple[str, ...]], Any] = {}
_BYTES: dict[Path, tuple[float, bytes]] = {}


def builtin_root() -> Path:
    """The built-in templates: shipped as ``dangjian_cli/templates`` in an installed
    package (pyproject maps the top-level ``templates/`` there), and found at the
    top of the source tree in a checkout or an editable install."""
    package = Path(__file__).resolve().parents[1]
    installed = package / "templates"
    return installed if installed.is_dir() else package.parent / "templates"


def search_path(repo_root: Path | None, lang: str) -> list[Path]:
    """Folders searched for templates of ``lang``, first match wins."""
    return [folder.path for folder in _folders(repo_root, lang)]


def _folders(repo_root: Path | None, lang: str) -> list[Any]:
    """The search folders, each with the folder its files must stay in: the
    repository's ``templates/`` (resolved from the repository, so a ``templates``
    link out of it leads nowhere) or the package's own templates."""
    from .sandbox import Folder

    folders = []
    if repo_root is not None:
        own = Path(repo_root) / "templates" / lang
        if own.is_dir():
            folders.append(Folder(own, Path(repo_root).resolve() / "templates"))
    builtin = builtin_root()
    folders.append(Folder(builtin / lang, builtin.resolve()))
    return folders


def stamp(repo_root: Path | None, lang: str) -> str:
    """A digest of every file a document of ``lang`` can be made from — the names,
    sizes and change times of the templates and reference documents on the search
    path — for keeping documents: a template edited, added or removed is another
    stamp. Nothing is opened (a repository's file may be anything)."""
    import hashlib

    digest = hashlib.sha256()
    for folder in search_path(repo_root, lang):
        for here, dirs, files in os.walk(folder):
            dirs.sort()
            for name in sorted(files):
                path = os.path.join(here, name)
                try:
                    st = os.stat(path)
                    mark = f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}"
                except OSError:
                    mark = "-"
                digest.update(f"{path}\0{mark}\0".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def template_name(kind: str) -> str:
    return f"{kind}.md.j2"


def find(repo_root: Path | None, lang: str, name: str) -> Path:
    """The file ``name`` of ``lang``, the repository's own first; InputError when there is
    none, or when the repository's is a link out of its ``templates/`` or a special file."""
    from .sandbox import SecurityError, find_in

    try:
        found = find_in(_folders(repo_root, lang), name)
    except SecurityError as exc:
        raise InputError(str(exc)) from None
    if found is None:
        raise InputError(f"no template {lang}/{name} in {repo_root or 'the package'} or built-in")
    return found


def reference_bytes(repo_root: Path | None, lang: str) -> bytes:
    """The reference document's bytes, read once per process (re-read when the file changes)."""
    path = find(repo_root, lang, REFERENCE)
    mtime = path.stat().st_mtime
    cached = _BYTES.get(path)
    if cached is None or cached[0] != mtime:
        cached = (mtime, path.read_bytes())
        _BYTES[path] = cached
    return cached[1]


def _finalizer(lang: str):
    from markupsafe import Markup

    def finalize(value: Any) -> Any:
        if isinstance(value, Markup):
            return value
        if value is None:
            return Markup("")
        if isinstance(value, date):
            value = format_date(value, lang)
        elif isinstance(value, Decimal):
            value = money(value)
        elif isinstance(value, bool):
            value = ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
        return Markup(markup.escape(str(value)))

    return finalize


def environment(repo_root: Path | None, lang: str) -> Any:
    """The sandboxed Jinja environment for a search path (cached: templates compile once)."""
    folders = _folders(repo_root, lang)
    key = (lang, tuple(str(f.path) for f in folders))
    env = _ENVS.get(key)
    if env is None:
        import jinja2

        from .sandbox import DocumentSandbox

        env = DocumentSandbox(
            folders,
            autoescape=True,  # every value passes finalize -> markup.escape, never raw
            finalize=_finalizer(lang),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            auto_reload=True,
        )
        env.add_filter("date", lambda d: format_date(d, lang) if d else "")
        env.add_filter("money", money)
        _ENVS[key] = env
    return env


def render_blocks(
    repo_root: Path | None, lang: str, kind: str, context: Mapping[str, Any]
) -> list[markup.Block]:
    """The blocks of one document: template rendered with ``context``, then parsed.

    A broken template raises InputError naming the template file and line.
    """
    import jinja2

    from . import sandbox

    env = environment(repo_root, lang)
    name = template_name(kind)
    try:
        template = env.get_template(name)
        rendered = sandbox.render(template, context)
    except jinja2.TemplateSyntaxError as exc:
        raise InputError(f"{exc.filename or name}:{exc.lineno}: {_one_line(exc.message)}") from None
    except sandbox.TemplateRefused as exc:  # a file that may not be read, named in the message
        filename, line = _template_line(exc)
        where = f"{filename}:{line}: " if filename else ""
        raise InputError(f"{where}{_one_line(str(exc))}") from None
    except jinja2.TemplateNotFound as exc:
        filename, line = _template_line(exc)
        if filename is None:
            raise InputError(f"no template {lang}/{name}") from None
        raise InputError(
            f"{filename}:{line}: no template {exc.name!r} in the templates folders"
        ) from None
    except Exception as exc:  # anything a template can raise: the sandbox, values, arithmetic
        filename, line = _template_line(exc)
        where = f"{filename}:{line}" if filename else f"{lang}/{name}"
        raise InputError(f"{where}: {_one_line(str(exc)) or type(exc).__name__}") from None
    try:
        return markup.parse(rendered)
    except markup.MarkupError as exc:
        shown = rendered.splitlines()[exc.line - 1].strip()
        filename = str(find(repo_root, lang, name))
        raise InputError(
            f"{filename}: {exc} (in the rendered line {markup.text(shown)!r})"
        ) from None


def _one_line(message: str | None) -> str:
    return " ".join((message or "").split())


def _template_line(exc: BaseException) -> tuple[str | None, int | None]:
    """The template file and line an error was raised from (Jinja maps frames to lines)."""
    found: tuple[str | None, int | None] = (None, None)
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".j2"):
            found = (filename, tb.tb_lineno)
        tb = tb.tb_next
    return found
