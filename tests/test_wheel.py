"""The package as a user installs it: build the sdist and wheel, install the wheel into a fresh venv
without torch, and run the torch-free commands there; the commands that need an extra say which.

The fresh venv gets its dependencies (lark, pydantic, rich) from the package index pip is set up
with. Every command runs from an empty folder, so nothing is read from this checkout.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
import tarfile
import venv
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import archspec
from tests.conftest import ROOT

pytestmark = pytest.mark.slow

MAX_INSTALLED_MB = 100
TIMEOUT_S = 600


@dataclass(frozen=True)
class Built:
    wheel: Path
    sdist: Path
    venv: Path  # the fresh venv with the wheel installed
    work: Path  # an empty working folder

    def bin(self, name: str) -> str:
        return str(self.venv / "bin" / name)

    def run(self, *args: str, check: bool = False) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
        env["ARCHSPEC_CACHE_DIR"] = str(self.work / ".cache")
        done = subprocess.run(list(args), cwd=self.work, capture_output=True, text=True, timeout=TIMEOUT_S, env=env,
                              check=False)
        if check:
            assert done.returncode == 0, f"{args}: exit {done.returncode}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
        return done

    def archspec(self, *args: str) -> subprocess.CompletedProcess[str]:
        return self.run(self.bin("archspec"), *args)


def _site_packages(root: Path) -> Path:
    return next(root.glob("lib/python*/site-packages"))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    """The sdist, the wheel and the fresh venv, made once per test run: pytest-xdist's workers share
    the folder above their own temporary folders, and the first to take the lock builds."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base  # this run's, never an earlier run's
    with open(shared / "wheel.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            tmp = shared / "wheel"
            if not (tmp / "ready").exists():
                shutil.rmtree(tmp, ignore_errors=True)
                _build(tmp)
                (tmp / "ready").touch()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    dist = tmp / "dist"
    yield Built(next(dist.glob("archspec-*.whl")), next(dist.glob("archspec-*.tar.gz")), tmp / "venv", tmp / "work")


def _build(tmp: Path) -> None:
    dist = tmp / "dist"
    # --no-isolation: the build backend (hatchling) comes from the test environment, not a download.
    subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(dist), str(ROOT)], check=True,
                   capture_output=True, timeout=TIMEOUT_S)
    wheel = next(dist.glob("archspec-*.whl"))
    env_dir = tmp / "venv"
    venv.create(env_dir, with_pip=True)
    subprocess.run([str(env_dir / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check", str(wheel)],
                   check=True, capture_output=True, timeout=TIMEOUT_S)
    (tmp / "work").mkdir()


def test_the_wheel_holds_the_grammar_the_prelude_the_zoo_and_the_app(built: Built) -> None:
    names = set(zipfile.ZipFile(built.wheel).namelist())
    zoo = {f"archspec/specs/{p.name}" for p in (ROOT / "specs").glob("*.arch")}
    assert {"archspec/grammar.lark", "archspec/prelude.arch", "archspec/explorer/app.py", "archspec/cli/explore.py"} <= names
    assert zoo and zoo <= names
    assert not any(n.startswith(("tests/", "docs/", "app/")) for n in names)


def test_the_sdist_holds_the_tests_and_docs(built: Built) -> None:
    with tarfile.open(built.sdist) as tar:
        names = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
    assert {"pyproject.toml", "README.md", "CHANGELOG.md", "tests/conftest.py", "tests/test_wheel.py", "docs/benchmarks.md",
            "specs/resnet50.arch", "app/explorer.py", "scripts/setup.sh"} <= names
    assert not any(n.startswith((".venv/", ".hypothesis/")) or "__pycache__" in n for n in names)


def test_the_fresh_venv_has_no_torch_and_is_small(built: Built) -> None:
    site = _site_packages(built.venv)
    tops = {p.name.split("-")[0].lower() for p in site.iterdir()}
    assert "archspec" in tops
    assert not tops & {"torch", "torchvision", "streamlit", "fvcore", "graphviz", "onnx", "pandas"}, sorted(tops)
    size = sum(f.stat().st_size for f in site.rglob("*") if f.is_file())
    assert size < MAX_INSTALLED_MB * 1e6, f"{size / 1e6:.0f} MB installed"


def test_version_comes_from_one_place(built: Built) -> None:
    done = built.archspec("--version")
    assert done.returncode == 0 and done.stdout.strip() == f"archspec {archspec.__version__}"
    assert built.wheel.name.startswith(f"archspec-{archspec.__version__}-")
    meta = built.run(built.bin("python"), "-c", "import importlib.metadata as m; print(m.version('archspec'))", check=True)
    assert meta.stdout.strip() == archspec.__version__


def test_the_torch_free_commands_work(built: Built) -> None:
    out = built.archspec("analyze", "resnet50")
    assert out.returncode == 0 and "25,557,032" in out.stdout, out.stderr
    assert built.archspec("check", "resnet50").stdout.startswith("ok: resnet50")
    dot = built.archspec("render", "resnet50", "-o", "x.dot")
    assert dot.returncode == 0 and (built.work / "x.dot").read_text().startswith("digraph")
    assert built.archspec("fmt", "--check", str(ROOT / "specs" / "resnet18.arch")).returncode == 0  # the zoo is canonical
    (built.work / "mine.arch").write_text((ROOT / "specs" / "resnet18.arch").read_text().replace("  64  x2 s1", "  64 x2  s1"))
    assert built.archspec("fmt", "--check", "mine.arch").returncode == 1
    assert built.archspec("fmt", "--write", "mine.arch").returncode == 0
    fmt = built.archspec("fmt", "--check", "mine.arch")
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr
    diff = built.archspec("diff", "resnet50", "resnet50_paper", "--json")
    assert diff.returncode == 0 and json.loads(diff.stdout)
    zoo = built.archspec("zoo", "--json")
    assert zoo.returncode == 0
    assert {d["name"] for d in json.loads(zoo.stdout)} >= {"resnet50", "efficientnet_b7", "lenet5", "vgg16_bn"}
    code = ("import sys, archspec; n = archspec.load('resnet50'); print(n.params, n.macs, archspec.__file__); "
            "print('torch' in sys.modules)")
    py = built.run(built.bin("python"), "-c", code, check=True)
    first, second = py.stdout.splitlines()
    params, macs, where = first.split()
    assert (int(params), int(macs)) == (25_557_032, 4_089_184_256)
    assert where.startswith(str(built.venv)) and second == "False"


@pytest.mark.parametrize(("args", "extra"), [
    (["compile", "resnet50"], "torch"),
    (["compile", "resnet50", "--emit", "onnx"], "torch"),
    (["weights", "import", "resnet18", "--from", "torchvision:resnet18", "-o", "w.pt"], "torch"),
    (["explore"], "app"),
    (["page", "notes.md"], "docs"),
    (["lsp"], "lsp"),
])
def test_a_missing_extra_is_one_line_and_exit_2(built: Built, args: list[str], extra: str) -> None:
    done = built.archspec(*args)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].endswith(f"pip install 'archspec[{extra}]'"), done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_the_library_names_the_extra_too(built: Built) -> None:
    code = ("import archspec\ntry:\n    archspec.load('lenet5').to_torch()\nexcept ImportError as e:\n    print(e)")
    done = built.run(built.bin("python"), "-c", code, check=True)
    assert done.stdout.strip() == ("archspec: Network.to_torch() needs torch, which is not installed: "
                                   "pip install 'archspec[torch]'")


def test_archspec_explore_serves_the_explorer_from_the_wheel(built: Built, tmp_path: Path) -> None:
    """A venv with the wheel and the app extra's packages serves the page; Chromium opens it."""
    import sysconfig

    from tests.app.browser import CHROMIUM, chromium_page, editor_text, explorer_server, open_explorer

    assert os.access(CHROMIUM, os.X_OK), f"no Chromium at {CHROMIUM} (`bash scripts/setup.sh --test` installs it)"
    app_env = tmp_path / "app-venv"
    venv.create(app_env, with_pip=False)
    # Streamlit and the rest of the app extra come from this test environment's packages (a path
    # line, so its editable archspec is not activated); archspec itself comes from the wheel.
    site = _site_packages(app_env)
    (site / "test-environment.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    with zipfile.ZipFile(built.wheel) as whl:
        whl.extractall(site)
    python = str(app_env / "bin" / "python")
    where = subprocess.run([python, "-c", "import archspec.explorer as e; print(e.SCRIPT)"], cwd=built.work,
                           capture_output=True, text=True, check=True, timeout=120)
    assert where.stdout.strip() == str(site / "archspec" / "explorer" / "app.py")
    with explorer_server(python=python, cwd=built.work) as url, chromium_page() as page:
        open_explorer(page, url, "Edit", model="mobilenet_v2")
        assert "network mobilenet_v2" in editor_text(page)  # the editor's bundle is served from the wheel
        card = page.locator('[data-testid="stMetric"]').filter(has_text="Params").first
        assert card.locator('[data-testid="stMetricValue"]').inner_text() == "3.50 M"
