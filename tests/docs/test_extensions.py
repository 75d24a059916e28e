"""The Sphinx directive and the Markdown extension / MkDocs plugin: a small project of each built in a
temporary folder holds the drawn SVG (ids kept for deep links) and the stage table, and a broken spec
gives a warning at the page's line (an error when warnings are errors)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from archspec import embed
from archspec.extras import MissingExtra, hint_for

pytestmark = pytest.mark.usefixtures("dot_binary")

TINY = "network tiny\ninput 3x32x32\nstem:\n  conv 16 k3\n  conv 32 k3 s2\nhead:\n  avgpool global\n  fc 10\n"


def _sphinx(src: Path, page: str, *flags: str) -> tuple[int, str]:
    from sphinx.cmd.build import build_main

    (src / "conf.py").write_text('extensions = ["archspec.sphinx"]\n')
    (src / "index.rst").write_text(textwrap.dedent(page))
    log = src / "warnings.txt"
    code = build_main(["-q", "-b", "html", "-w", str(log), *flags, str(src), str(src / "_build")])
    return code, log.read_text()


SPHINX_PAGE = """\
    Models
    ======

    .. archspec:: resnet18
       :level: stage
       :table:

    .. archspec:: tiny.arch
       :set: alpha=0.5
       :prefix: small-

    .. archspec::
       :table: resnet
       :diagram: no

       network inline
       input 3x32x32
       stem:
         conv 16 k3
    """


def test_sphinx_draws_the_diagram_and_the_table(tmp_path: Path) -> None:
    (tmp_path / "tiny.arch").write_text(TINY)
    code, warnings = _sphinx(tmp_path, SPHINX_PAGE, "-W")
    assert code == 0 and warnings == ""
    html = (tmp_path / "_build" / "index.html").read_text()
    assert html.count("<svg") == 2 and html.count('class="archspec-table"') == 2
    assert 'id="stage1"' in html and 'id="stage4"' in html  # deep links: index.html#stage4
    assert 'id="small-stem"' in html and 'id="stem"' in html  # the prefix keeps two diagrams' ids apart
    assert "3×3, 64<br>3×3, 64</span>&nbsp;×2" in html and "conv 3×3, 8" in html  # resnet18's table; α halved tiny
    assert "inline — input 3×32×32" in html


def test_sphinx_warns_at_the_line_of_a_broken_spec(tmp_path: Path) -> None:
    page = SPHINX_PAGE.replace("conv 16 k3\n", "conv 16 k3 act=rleu\n")
    code, warnings = _sphinx(tmp_path, page.replace("tiny.arch", "missing.arch"))
    assert code == 0  # a warning: the rest of the page is built
    lines = warnings.strip().splitlines()
    assert any(ln.endswith("index.rst:8: WARNING: archspec: no spec file or zoo model named `missing.arch` "
                           "(hint: run `archspec zoo` for the models it knows) [archspec]") for ln in lines), warnings
    assert any("index.rst:19: WARNING: archspec: unknown activation `rleu` (hint: did you mean `relu`?)" in ln
               for ln in lines), warnings
    html = (tmp_path / "_build" / "index.html").read_text()
    assert "archspec-error" in html and html.count("<svg") == 1
    code, _ = _sphinx(tmp_path, page, "-W")
    assert code != 0  # warnings as errors: the build fails


def _mkdocs(root: Path, page: str) -> subprocess.CompletedProcess[str]:
    (root / "docs").mkdir(exist_ok=True)
    (root / "mkdocs.yml").write_text("site_name: test\nplugins:\n  - archspec\n")
    (root / "docs" / "index.md").write_text(textwrap.dedent(page))
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=root, capture_output=True, text=True,
                          timeout=300)


MKDOCS_PAGE = """\
    ---
    title: Models
    ---
    # Models

    ```archspec level=stage table
    resnet18
    ```

    ```archspec set="alpha=0.5 rho=0.5" prefix=small-
    specs/tiny.arch
    ```

    ```archspec table=tcns diagram=no
    network inline
    input 3x32x32
    stem:
      conv 16 k3
    ```

    ```arch
    conv 16 k3
    ```
    """


def test_mkdocs_draws_the_diagram_and_the_table(tmp_path: Path) -> None:
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "tiny.arch").write_text(TINY)  # beside mkdocs.yml
    p = _mkdocs(tmp_path, MKDOCS_PAGE)
    assert p.returncode == 0, p.stderr
    html = (tmp_path / "site" / "index.html").read_text()
    assert html.count("<svg") == 2 and html.count('class="archspec-table"') == 2
    assert 'id="stage4"' in html and 'id="small-stem"' in html
    assert "3×3, 64<br>3×3, 64</span>" in html and "input 3×16×16" in html  # ρ = 0.5 halved tiny's input
    assert "<th>input</th><th>operator</th>" in html  # the t/c/n/s layout
    assert '<code class="language-arch">conv 16 k3' in html  # other fences are left alone


def test_mkdocs_strict_fails_at_the_line_of_a_broken_spec(tmp_path: Path) -> None:
    page = MKDOCS_PAGE.replace("      conv 16 k3\n", "      conv 16 k3 act=rleu\n").replace("level=stage ", "level=stages ")
    p = _mkdocs(tmp_path, page)
    assert p.returncode != 0
    assert "docs/index.md:6: archspec: level: `stages` is not one of stage, block, layer" in p.stderr, p.stderr
    assert "docs/index.md:10: archspec: no spec file or zoo model named `specs/tiny.arch`" in p.stderr, p.stderr
    assert "docs/index.md:18: archspec: unknown activation `rleu` (hint: did you mean `relu`?)" in p.stderr, p.stderr
    assert "Aborted with 3 warnings in strict mode" in p.stdout + p.stderr


def test_markdown_alone() -> None:
    import markdown

    html = markdown.markdown("Text\n\n```archspec table diagram=no\n" + TINY + "```\n\nmore", extensions=["archspec.markdown"])
    assert html.startswith("<p>Text</p>") and 'class="archspec-table"' in html and html.endswith("<p>more</p>")
    assert "<svg" not in html
    nested = "````\n```archspec\nresnet18\n```\n````\n\n~~~\n```archspec\n~~~\n"  # examples inside other blocks stay text
    html = markdown.markdown(nested, extensions=["archspec.markdown", "fenced_code"])
    assert "archspec-" not in html and html.count("```archspec") == 2


def test_options_and_references(tmp_path: Path) -> None:
    opts = embed.options({"level": "layer", "direction": "LR", "theme": "dark", "set": "alpha=0.5, phi=1", "table": "tcns"})
    assert (opts.level, opts.direction, opts.theme, opts.table) == ("layer", "LR", "dark", "tcns")
    assert opts.overrides == (("alpha", 0.5), ("phi", 1))
    assert embed.options({"table": None}).table == "auto" and embed.options({"table": "no"}).table is None
    for bad, words in ({"level": "deep"}, "level: `deep`"), ({"colour": "x"}, "unknown option `colour`"), \
            ({"set": "alpha"}, "set: --set expects KEY=VALUE"), ({"prefix": "a b"}, "prefix"):
        with pytest.raises(embed.EmbedError, match=words):
            embed.options(bad)
    assert embed.is_reference("resnet50\n") and embed.is_reference("# a comment\nspecs/x.arch:b3")
    assert not embed.is_reference(TINY) and not embed.is_reference("network x")
    (tmp_path / "fam.arch").write_text(TINY)
    text, file, variant = embed.source("fam.arch:b3", (tmp_path,))
    assert text == TINY and file == str(tmp_path / "fam.arch") and variant == "b3"


def test_drawings_are_cached_by_content(monkeypatch: pytest.MonkeyPatch) -> None:
    opts = embed.options({"level": "stage"})
    first = embed.render(TINY, opts)
    monkeypatch.setattr(embed, "_render", lambda *a: pytest.fail("drawn again"))
    assert embed.render(TINY, opts) == first
    monkeypatch.undo()
    assert embed.render(TINY.replace("fc 10", "fc 11"), opts) != first  # new content, a new drawing


def test_a_missing_extra_is_one_line_naming_it(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    from archspec import extras

    monkeypatch.setattr(extras, "installed", lambda module: module not in ("sphinx", "markdown", "mkdocs"))
    for module in ("archspec.sphinx", "archspec.markdown", "archspec.mkdocs"):
        monkeypatch.delitem(sys.modules, module, raising=False)
        with pytest.raises(MissingExtra) as exc:
            importlib.import_module(module)
        assert "\n" not in str(exc.value) and str(exc.value).endswith("pip install 'archspec[docs]'")
    assert hint_for(ModuleNotFoundError("no", name="mkdocs")) == \
        "archspec: this command needs mkdocs, which is not installed: pip install 'archspec[docs]'"


def test_archspec_page(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from archspec import extras
    from archspec.cli import main

    (tmp_path / "tiny.arch").write_text(TINY)
    page = tmp_path / "notes.md"
    page.write_text("# Notes <1>\n\n```archspec table\ntiny.arch\n```\n\n```archspec\nnetwork x\ninput 3x8x8\nstem:\n  conv 4 k3 act=rleu\n```\n")
    assert main(["page", str(page)]) == 2
    out = capsys.readouterr()
    assert out.err.strip() == f"{page}:11: archspec: unknown activation `rleu` (hint: did you mean `relu`?)"
    html = (tmp_path / "notes.html").read_text()
    assert "<title>Notes &lt;1&gt;</title>" in html and html.count("<svg") == 1 and "archspec-table" in html
    page.write_text("# Notes\n\n```archspec level=stage\ntiny.arch\n```\n")
    assert main(["page", str(page), "-o", str(tmp_path / "o.html")]) == 0 and (tmp_path / "o.html").is_file()
    monkeypatch.setattr(extras, "installed", lambda module: module != "markdown")
    assert main(["page", str(page)]) == 2
    assert capsys.readouterr().err == ("archspec: archspec page needs markdown, which is not installed: "
                                       "pip install 'archspec[docs]'\n")
