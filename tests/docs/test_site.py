"""The docs site: `mkdocs build --strict` on mkdocs.yml builds every page with no warning, the tutorial's
and the gallery's diagrams drawn by archspec's MkDocs plugin, and the README links to the pages."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_mkdocs_build_strict(tmp_path: Path, dot_binary: None) -> None:
    site = tmp_path / "site"
    p = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)], cwd=ROOT,
                       capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "WARNING" not in p.stderr, p.stderr
    tutorial = (site / "tutorial" / "index.html").read_text()
    assert tutorial.count("<svg") == 3 and 'id="stage1"' in tutorial  # drawn by the extension
    resnet50 = (site / "zoo" / "resnet50" / "index.html").read_text()
    assert resnet50.count("<svg") == 1 and 'class="archspec-table"' in resnet50 and 'id="stage3.0.shortcut"' in resnet50
    zoo = (site / "zoo" / "index.html").read_text()
    assert len(re.findall(r'href="[^"]*resnet50/"', zoo)) >= 1
    embedding = (site / "embedding" / "index.html").read_text()
    assert embedding.count('class="archspec-table"') == 2 and "<svg" not in embedding  # the examples stay text
    for page in ("language", "conventions", "diagrams", "architecture", "reliability", "benchmarks"):
        assert (site / page / "index.html").is_file(), page


def test_every_page_is_in_the_nav_and_the_readme_links_them() -> None:
    config = yaml.load((ROOT / "mkdocs.yml").read_text(), Loader=yaml.BaseLoader)
    nav = {next(iter(item.values())) for item in config["nav"]}
    pages = {p.relative_to(ROOT / "docs").as_posix() for p in (ROOT / "docs").glob("*.md")}
    assert pages <= nav, f"pages missing from mkdocs.yml's nav: {sorted(pages - nav)}"
    assert all((ROOT / "docs" / page).is_file() or page == "zoo/index.md" for page in nav)
    readme = (ROOT / "README.md").read_text()
    for page in pages - {"index.md"}:
        assert f"(docs/{page})" in readme, f"README does not link docs/{page}"
    assert "mkdocs build" in readme
