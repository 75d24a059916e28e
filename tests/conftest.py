"""Shared test helpers: the reference figures and small spec builders."""

from __future__ import annotations

import gc
import json
import os
from pathlib import Path

import pytest

# One intra-op thread per test process, set before anything imports torch: pytest-xdist already
# runs a process per core, and two processes each spinning two OpenMP threads on two cores made a
# LeNet-5 training run 3x slower than one thread. Subprocesses the tests start inherit it.
os.environ.setdefault("OMP_NUM_THREADS", "1")
# pytest-xdist's workers start with COLUMNS=80, which the command line would then fit its tables to:
# the tests read its output as a pipe gets it (160 columns) unless one sets a width of its own.
os.environ.pop("COLUMNS", None)

ROOT = Path(__file__).resolve().parent.parent
# The project's reference figures (torchvision parameter counts and fvcore totals, the papers'
# tables), kept beside the tests so a clone of this repository alone can run them.
REFERENCE = ROOT / "tests" / "reference" / "torchvision.json"


# Modules caught in reference cycles (fx GraphModules: the fused module, the tools' traces) are freed
# by the cycle collector only, which counts objects, not bytes: a run of VGG tests kept ~2 GB per test
# alive until the OOM killer came. After a test that grew the process by GROWTH bytes, collect.
GROWTH = 512 * 2**20
_rss_after_collect = [0]


def _rss() -> int:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0


def pytest_runtest_teardown(item: pytest.Item) -> None:
    if _rss() > _rss_after_collect[0] + GROWTH:
        gc.collect()
        _rss_after_collect[0] = _rss()


@pytest.fixture(scope="session")
def reference() -> dict:
    """Exact torchvision parameter counts and fvcore figures, per model."""
    return json.loads(REFERENCE.read_text())["models"]


@pytest.fixture(scope="session")
def dot_binary() -> None:
    """Graphviz's `dot`, which the test setup installs: its absence is a failure, not a skip."""
    from archspec.backends.graphviz import have_dot

    assert have_dot(), "Graphviz `dot` is not on PATH: `bash scripts/setup.sh --test` installs it"


needs_dot = pytest.mark.usefixtures("dot_binary")


def spec(body: str, input: str = "3x32x32", name: str = "t") -> str:
    """A small spec: the network line, the input line, then ``body``."""
    return f"network {name}\ninput {input}\n{body}"


# Variants whose structure differs from their file's first one (SE in RegNetY, BatchNorm in VGG-BN).
STRUCTURAL_VARIANTS = ("regnet_y_400mf", "vgg11_bn")
# Spec files whose model repeats another file's structure (the same blocks of the same layers) with
# other depths and widths; tests/specs/test_zoo.py checks that each does.
SAME_STRUCTURE = {"resnet34": "resnet18", "resnet101": "resnet50", "resnet152": "resnet50", "wide_resnet50_2": "resnet50"}


def zoo_families() -> list[str]:
    """One model per zoo spec file (its first variant, the smallest) and the variants whose structure
    differs, less the files that repeat another's structure (``SAME_STRUCTURE``): what the tests of
    backend mechanics (ONNX, TorchScript, training, every tool's count, …) run on. The others differ in
    numbers only, and those are checked model by model against the reference (tests/specs). Read from
    the file names and variant lists: no model is loaded."""
    from archspec import zoo

    seen: set[str] = set()
    out: list[str] = []
    for e in zoo.entries():
        if e.name in SAME_STRUCTURE:
            seen.add(e.spec)  # its file's other variants are its family
            continue
        if e.spec not in seen or e.name in STRUCTURAL_VARIANTS:
            seen.add(e.spec)
            out.append(e.name)
    return out


# The edit-test loop (`pytest -m "not slow"`) checks these models of a whole-zoo sweep; the rest of the
# zoo is marked slow and runs in the README's test command (and CI). One of each kind of block:
# basic and bottleneck residuals, inverted residuals with and without SE, inception, dense blocks.
FAST_ZOO = ("resnet18", "resnet50", "mobilenet_v2", "efficientnet_b0", "googlenet", "densenet121")


def zoo_params(names: list[str], fast: tuple[str, ...] = FAST_ZOO) -> list:
    """``names`` as pytest params, those outside ``fast`` marked slow."""
    return [pytest.param(n, marks=[] if n in fast else [pytest.mark.slow]) for n in names]


# The tests of backend mechanics (ONNX and torch.export, TorchScript, fusing, a training step, the
# generated Python, the module tree and its feature taps, every counting tool) translate one op, and one
# generated forward per kind of scope, at a time: they run on these models, which between them use every
# op configuration (`op_configurations`) the whole zoo does. tests/specs/test_zoo.py checks that they
# still do, and names the model to add when a new spec brings something new. (Every family through the
# exporters took ~4 minutes of the suite's ~13 minutes of CPU on two cores.)
OP_COVER = ("alexnet", "convnext_tiny", "densenet121", "efficientnet_b0", "googlenet", "inception_v3", "lenet5",
                "mobilenet_v2", "mobilenet_v3_small", "repvgg_a0", "res2net50_26w_4s", "resnet18", "resnet50d",
                "shufflenet_v2_x0_5", "skresnet18", "vgg11")


def op_configurations(net) -> set[tuple]:  # type: ignore[no-untyped-def]
    """What a backend sees of a network: each op with its attributes' kinds (strings and flags as they
    are, numbers as 0, 1 or more), and each kind of scope (residuals by their shortcut)."""

    def kind(v: object) -> object:
        if v is None or isinstance(v, (bool, str)):
            return v
        if isinstance(v, int):
            return min(v, 2)
        if isinstance(v, (tuple, list)):
            return tuple(kind(x) for x in v)
        return type(v).__name__

    out: set[tuple] = set()
    for n in net.graph.nodes:
        attrs = n.attrs._asdict() if hasattr(n.attrs, "_asdict") else {}
        out.add((n.op, tuple(sorted((k, kind(v)) for k, v in attrs.items()))))
    for s in net.graph.scopes:
        out.add(("scope", s.kind, str(s.info.get("shortcut", ""))))
    return out
