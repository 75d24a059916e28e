"""The same spec gives the same IR JSON, layer graph, DOT and (with a seed) initial weights: within a
process, and across processes whose string hashes differ (PYTHONHASHSEED)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys

import pytest

import archspec
from archspec.parse import parse
from tests.conftest import OP_COVER, ROOT

# What could make an output differ between loads or processes (hash order, sets, ids) is in the code
# each op and kind of scope runs, not in depths and widths: models that between them use every one.
NAMES = list(OP_COVER)
WEIGHT_NAMES = ["lenet5", "resnet18", "mobilenet_v3_large", "efficientnet_b0", "googlenet", "densenet121"]


def artefacts(name: str) -> dict[str, str]:
    """Everything archspec derives from one spec without torch, as text."""
    net = archspec.load(name)
    out = {"ir": net.to_json("spec"), "graph": net.to_json("graph"), "analysis": json.dumps(net.to_dict())}
    for level in ("stage", "block", "layer"):
        out[f"dot-{level}"] = net.to_dot(level=level)
    return out


def digest(texts: dict[str, str]) -> dict[str, str]:
    return {k: hashlib.sha256(v.encode()).hexdigest() for k, v in texts.items()}


def weight_digest(name: str, seed: int = 0) -> str:
    """sha256 over the names and bytes of the state_dict built right after ``torch.manual_seed(seed)``."""
    import torch

    torch.manual_seed(seed)
    h = hashlib.sha256()
    for key, t in archspec.load(name).to_torch().state_dict().items():
        h.update(key.encode())
        h.update(t.detach().cpu().contiguous().numpy().tobytes())
    return h.hexdigest()


@pytest.mark.parametrize("name", NAMES)
def test_same_spec_same_text_outputs(name: str) -> None:
    a, b = artefacts(name), artefacts(name)
    for key in a:
        assert a[key] == b[key], f"{name}: {key} differs between two loads"


def test_parsing_twice_gives_equal_ir() -> None:
    for path in sorted((ROOT / "specs").glob("*.arch")):
        text = path.read_text()
        assert parse(text, path.name) == parse(text, path.name)


@pytest.mark.parametrize("name", WEIGHT_NAMES)
def test_seed_gives_same_initial_weights(name: str) -> None:
    import torch

    net = archspec.load(name)
    torch.manual_seed(0)
    a = net.to_torch().state_dict()
    torch.manual_seed(0)
    b = net.to_torch().state_dict()
    assert list(a) == list(b)
    for key in a:
        assert torch.equal(a[key], b[key]), f"{name}: {key} differs under the same seed"
    torch.manual_seed(1)
    c = net.to_torch().state_dict()
    assert any(not torch.equal(a[k], c[k]) for k in a if a[k].is_floating_point()), "the seed changes nothing"


_CHILD = """
import json, sys
from tests.test_determinism import NAMES, WEIGHT_NAMES, artefacts, digest, weight_digest
out = {name: digest(artefacts(name)) for name in NAMES}
out["weights"] = {name: weight_digest(name) for name in WEIGHT_NAMES[:3]}
print(json.dumps(out))
"""


@pytest.mark.slow
def test_same_outputs_across_processes() -> None:
    """Two fresh interpreters with different hash seeds agree with each other and with this one."""
    runs = []
    children = [subprocess.Popen([sys.executable, "-c", _CHILD], cwd=ROOT, env={**os.environ, "PYTHONHASHSEED": seed},
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for seed in ("1", "2")]
    for child in children:
        out, err = child.communicate(timeout=300)
        assert child.returncode == 0, err[-3000:]
        runs.append(json.loads(out.splitlines()[-1]))
    assert runs[0] == runs[1]
    for name in NAMES[:4]:
        assert runs[0][name] == digest(artefacts(name))
    assert runs[0]["weights"]["lenet5"] == weight_digest("lenet5")
