"""Templates from a records repository render in a sandbox: no Python internals, no files
outside the repository's templates/, bounded loops and sizes, one-line errors."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import jinja2
import pytest

from dangjian_cli.documents import sandbox, templating
from dangjian_cli.documents.check import check_templates
from dangjian_cli.errors import InputError

#: payloads that run a shell command or write a file in a plain (unsandboxed) Jinja
#: environment; CANARY is replaced by the path of a file that must never appear
EXECUTING = {
    "cycler globals": "{{ cycler.__init__.__globals__.os.popen('touch CANARY').read() }}",
    "joiner globals": "{{ joiner.__init__.__globals__.os.system('touch CANARY') }}",
    "self builtins": "{{ self.__init__.__globals__.__builtins__.open('CANARY', 'w').write('x') }}",
    "attr filter": "{{ (cycler|attr('__init__')|attr('__globals__')).os.system('touch CANARY') }}",
    "subclasses": (
        "{% for c in ''.__class__.__mro__[1].__subclasses__() %}"
        "{% if c.__name__ == 'catch_warnings' %}"
        "{{ c()._module.__builtins__['__import__']('os').system('touch CANARY') }}"
        "{% endif %}{% endfor %}"
    ),
    "namespace globals": "{{ namespace.__init__.__globals__.os.system('touch CANARY') }}",
}
#: payloads that reach into Python internals or files without running anything
PROBING = {
    "mro": "{{ cycler.mro() }}",
    "class": "{{ ''.__class__ }}",
    "format string": "{{ '{0.__init__.__globals__}'.format(cycler) }}",
    "format_map": "{{ '{x.__class__}'.format_map({'x': 1}) }}",
    "private name": "{{ self._TemplateReference__context }}",
    "getitem dunder": "{{ cycler['__init__'] }}",
    "map attribute": "{{ ([cycler]|map(attribute='__init__')|first).__globals__ }}",
    "include absolute": "{% include '/etc/passwd' %}",
    "include parent": "{% include '../../../../../../etc/passwd' %}",
    "import a module": "{% import 'os' as os %}{{ os.system('true') }}",
    "list mutation": "{% set xs = [1] %}{{ xs.append(2) }}",
    "lipsum": "{{ lipsum.__globals__ }}",
}
#: payloads that would take hours or gigabytes
HEAVY = {
    "huge range": "{% for i in range(10**9) %}x{% endfor %}",
    "nested ranges": (
        "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}"
    ),
    "repeat": "{{ 'x' * 10**9 }}",
    "power": "{{ 10 ** 100000 }}",
    "squaring": (
        "{% set ns = namespace(x=3) %}{% for i in range(64) %}{% set ns.x = ns.x * ns.x %}"
        "{% endfor %}{{ ns.x }}"
    ),
    "printf width": "{{ '%0999999999d' % 1 }}",
    "format filter width": "{{ '%999999999s'|format('x') }}",
    "str.format width": "{{ '{:>999999999}'.format(1) }}",
    "concat": "{% set a = 'x' * 1000000 %}{{ a ~ a ~ a ~ a ~ a }}",
    "ljust": "{{ 'x'.ljust(10**9) }}",
    "to_bytes": "{{ (1).to_bytes(10**9, 'big') }}",
    "center filter": "{{ 'x'|center(10**9) }}",
    "replace empty": "{% set a = 'x' * 100000 %}{{ a|replace('', a) }}",
    "join": "{% set a = 'x' * 100000 %}{{ a|join(a) }}",
    "batch fill": "{{ [1]|batch(10**9, 'x')|list }}",
    "sum of lists": "{{ [[1]] * 100000|sum(start=[]) }}",
}


def _repo(tmp_path: Path, text: str, name: str = "letter.md.j2") -> Path:
    root = tmp_path / "repo"
    own = root / "templates" / "en"
    own.mkdir(parents=True, exist_ok=True)
    (own / name).write_text("@left first line\n" + text + "\n", encoding="utf-8")
    return root


def _render_error(root: Path, kind: str = "letter") -> str:
    templating._ENVS.clear()
    with pytest.raises(InputError) as caught:
        templating.render_blocks(root, "en", kind, {"year": 2026})
    message = str(caught.value)
    assert "\n" not in message and "Traceback" not in message
    return message


@pytest.mark.parametrize("payload", sorted(EXECUTING))
def test_a_repository_template_cannot_run_code(tmp_path: Path, payload: str):
    canary = tmp_path / "canary"
    text = EXECUTING[payload].replace("CANARY", str(canary))
    root = _repo(tmp_path, text)
    message = _render_error(root)
    assert message.startswith(f"{root / 'templates/en/letter.md.j2'}:2: "), message
    assert not canary.exists()


def test_the_payloads_do_run_code_outside_the_sandbox(tmp_path: Path):
    """The attacks above are real: a plain Jinja environment runs them."""
    ran = 0
    for payload in EXECUTING.values():
        canary = tmp_path / f"canary{ran}"
        try:
            jinja2.Environment().from_string(payload.replace("CANARY", str(canary))).render()
        except Exception:  # some need objects a plain environment lacks: not all must run
            continue
        ran += canary.exists()
    assert ran >= 4


@pytest.mark.parametrize("payload", sorted(PROBING))
def test_a_repository_template_cannot_reach_internals_or_files(tmp_path: Path, payload: str):
    root = _repo(tmp_path, PROBING[payload])
    message = _render_error(root)
    assert message.startswith(f"{root / 'templates/en/letter.md.j2'}:2: "), message
    assert "root:" not in message  # nothing of /etc/passwd


@pytest.mark.parametrize("payload", sorted(HEAVY))
def test_resource_abuse_is_refused_quickly(tmp_path: Path, payload: str):
    root = _repo(tmp_path, HEAVY[payload])
    started = time.monotonic()
    message = _render_error(root)
    assert time.monotonic() - started < 10
    assert message.startswith(f"{root / 'templates/en/letter.md.j2'}:2: "), message


def test_a_loop_that_runs_too_long_is_stopped(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(sandbox, "RENDER_SECONDS", 0.5)
    loops = (
        "{% set s = 'x' * 5000 %}{% for a in s %}{% for b in s %}{% for c in s %}"
        "{% endfor %}{% endfor %}{% endfor %}"
    )
    root = _repo(tmp_path, loops)
    started = time.monotonic()
    message = _render_error(root)
    assert time.monotonic() - started < 5
    assert re.search(r"letter\.md\.j2:2: took longer than 0\.5 s", message), message


def test_the_document_text_is_bounded(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(sandbox, "MAX_OUTPUT", 5_000)
    root = _repo(tmp_path, "{% for i in range(1000) %}line {{ i }}\n{% endfor %}")
    assert "document text" in _render_error(root)
    monkeypatch.setattr(sandbox, "MAX_OUTPUT", 50_000)
    templating._ENVS.clear()
    assert len(templating.render_blocks(root, "en", "letter", {})) == 1001


def test_ordinary_template_features_still_work(tmp_path: Path):
    text = (
        "{% set ns = namespace(total=0) %}{% for i in range(3) %}{% set ns.total = ns.total + i %}"
        "{% endfor %}{{ ns.total }} {{ '%05.1f'|format(2.5) }} {{ 'a-b'.replace('-', '+') }} "
        "{{ ['x', 'y']|join(', ') }} {{ 'Title'|center(11) }} {{ '{:>4}'.format(7) }} "
        "{{ 'ab' * 2 }} {{ 2 ** 10 }} {{ [1, 2]|sum }} {{ 'x' ~ 1 }} {{ '{:,}'.format(1234567) }} "
        "{{ 'abc'.startswith('b', 1, 100000) }} {{ 'x'.ljust(3) }}|"
    )
    (tmp_path / "repo/templates/en").mkdir(parents=True)
    (tmp_path / "repo/templates/en/part.j2").write_text("included", encoding="utf-8")
    root = _repo(tmp_path, text + "\n{% include 'part.j2' %}")
    templating._ENVS.clear()
    blocks = templating.render_blocks(root, "en", "letter", {})
    from dangjian_cli.documents.markup import text as plain

    assert (
        plain(blocks[1].text)
        == "3 002.5 a+b x, y    Title       7 abab 1024 3 x1 1,234,567 yes x  |"
    )
    assert plain(blocks[2].text) == "included"


def _outside(tmp_path: Path) -> Path:
    secret = tmp_path / "outside" / "secret.md.j2"
    secret.parent.mkdir()
    secret.write_text("SECRET-CONTENT\n", encoding="utf-8")
    return secret


def test_a_template_linked_out_of_the_repository_is_refused(tmp_path: Path):
    secret = _outside(tmp_path)
    root = tmp_path / "repo"
    (root / "templates/en").mkdir(parents=True)
    (root / "templates/en/letter.md.j2").symlink_to(secret)
    message = _render_error(root)
    assert message.startswith(f"{root / 'templates/en/letter.md.j2'}: leads outside"), message
    assert "SECRET" not in message


def test_an_include_linked_out_of_the_repository_is_refused(tmp_path: Path):
    secret = _outside(tmp_path)
    root = _repo(tmp_path, "{% include 'part.j2' %}")
    (root / "templates/en/part.j2").symlink_to(secret)
    message = _render_error(root)
    assert message.startswith(f"{root / 'templates/en/letter.md.j2'}:2: "), message
    assert "part.j2: leads outside" in message and "SECRET" not in message


def test_a_templates_folder_linked_out_of_the_repository_is_refused(tmp_path: Path):
    secret = _outside(tmp_path)
    (secret.parent / "en").mkdir()
    (secret.parent / "en/letter.md.j2").write_text("SECRET-CONTENT\n", encoding="utf-8")
    root = tmp_path / "repo"
    root.mkdir()
    (root / "templates").symlink_to(secret.parent)
    assert "leads outside" in _render_error(root)


def test_a_link_inside_the_templates_folder_is_followed(tmp_path: Path):
    root = _repo(tmp_path, "shared words", name="shared.md.j2")
    (root / "templates/en/letter.md.j2").symlink_to("shared.md.j2")
    templating._ENVS.clear()
    blocks = templating.render_blocks(root, "en", "letter", {})
    assert len(blocks) == 2


def test_a_reference_document_linked_out_is_refused(tmp_path: Path):
    root = tmp_path / "repo"
    (root / "templates/en").mkdir(parents=True)
    (root / "templates/en/reference.docx").symlink_to(_outside(tmp_path))
    with pytest.raises(InputError, match=r"reference\.docx: leads outside"):
        templating.reference_bytes(root, "en")


def test_a_special_file_is_refused_without_being_opened(tmp_path: Path):
    root = tmp_path / "repo"
    (root / "templates/en").mkdir(parents=True)
    os.mkfifo(root / "templates/en/letter.md.j2")  # opening it would block for ever
    assert "letter.md.j2: not a regular file" in _render_error(root)


def test_templates_check_uses_the_same_sandbox(tmp_path: Path):
    canary = tmp_path / "canary"
    root = _repo(tmp_path, EXECUTING["cycler globals"].replace("CANARY", str(canary)))
    (root / "templates/en/notice.md.j2").write_text("{{ '%0999999999d' % 1 }}\n", "utf-8")
    (root / "templates/en/report.md.j2").symlink_to(_outside(tmp_path))
    (root / "templates/en/funding.md.j2").write_text("{% include '/etc/passwd' %}\n", "utf-8")
    templating._ENVS.clear()
    problems, checked = check_templates(root, ["en"])
    own = root / "templates/en"
    assert checked == len(templating.KINDS)
    assert problems[0].startswith(f"{own / 'letter.md.j2'}:2: access to attribute '__init__'")
    assert problems[1].startswith(f"{own / 'notice.md.j2'}:1: the format width")
    assert problems[2].startswith(f"{own / 'report.md.j2'}: leads outside")
    assert problems[3].startswith(f"{own / 'funding.md.j2'}:1: no template '/etc/passwd'")
    assert len(problems) == 4 and not canary.exists()
    assert all("\n" not in p and "SECRET" not in p for p in problems)
