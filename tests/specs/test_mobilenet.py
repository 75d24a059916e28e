"""MobileNet v1 (the paper's α and ρ tables), v2, v3 Large and v3 Small (equal to torchvision's)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import torch
import torchvision

import archspec
from tests.conftest import ROOT
from tests.specs._torchvision import assert_same_state_layout

# Howard et al. (2017), Table 6 (width multiplier, 224 px) and Table 7 (resolution, α = 1): MACs, params.
ALPHA_TABLE = {1.0: (569e6, 4.2e6), 0.75: (325e6, 2.6e6), 0.5: (149e6, 1.3e6), 0.25: (41e6, 0.5e6)}
RHO_TABLE = {0.857: (192, 418e6, 4.2e6), 0.714: (160, 290e6, 4.2e6), 0.571: (128, 186e6, 4.2e6)}


def _params(model: torch.nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


# ---- v1 -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("alpha", list(ALPHA_TABLE))
def test_v1_width_multiplier_table(alpha: float) -> None:
    macs, params = ALPHA_TABLE[alpha]
    net = archspec.load("mobilenet_v1", overrides={"alpha": alpha})
    assert net.macs == pytest.approx(macs, rel=0.03)
    assert net.params == pytest.approx(params, rel=0.07)


@pytest.mark.parametrize("rho", list(RHO_TABLE))
def test_v1_resolution_multiplier_table(rho: float) -> None:
    res, macs, params = RHO_TABLE[rho]
    net = archspec.load("mobilenet_v1", overrides={"rho": rho})
    assert net.input == (3, res, res)
    assert net.macs == pytest.approx(macs, rel=0.03)
    assert net.params == pytest.approx(params, rel=0.07)


def test_v1_layout_is_the_papers_table_1() -> None:
    net = archspec.load("mobilenet_v1")
    convs = [layer for layer in net.layers if layer.op == "conv"]
    assert len(convs) == 1 + 13 * 2
    depthwise = [c for c in convs if c.attrs.g > 1]
    assert [c.attrs.s for c in depthwise] == [1, 2, 1, 2, 1, 2, 1, 1, 1, 1, 1, 2, 1]
    assert [c.attrs.out_c for c in convs if c.attrs.k == 1] == [64, 128, 128, 256, 256] + [512] * 6 + [1024, 1024]
    assert [layer.out for layer in net.layers if layer.op == "avgpool"] == [(1024, 1, 1)]


def test_v1_cli_takes_alpha_and_rho() -> None:
    exe = Path(sys.executable).with_name("archspec")
    args = [str(exe), "analyze", "mobilenet_v1", "--set", "alpha=0.75", "--set", "rho=0.714", "--json"]
    out = json.loads(subprocess.run(args, capture_output=True, text=True, check=True, cwd=ROOT).stdout)
    assert out["input"] == [3, 160, 160]
    assert out["knobs"]["alpha"] == 0.75 and out["knobs"]["rho"] == 0.714
    assert [s["info"].get("c") for s in out["stages"][1:-1]] == [48, 96, 192, 384, 768]


# ---- v2 -------------------------------------------------------------------------------------------


def test_v2_matches_the_paper() -> None:
    """Sandler et al. (2018): 3.4 M params, 300 M MACs at 224."""
    net = archspec.load("mobilenet_v2")
    assert net.params == pytest.approx(3.4e6, rel=0.04)
    assert net.macs == pytest.approx(300e6, rel=0.01)


@pytest.mark.parametrize("alpha", [0.35, 0.5, 0.75, 1.3, 1.4])
def test_v2_width_multiplier_equals_torchvision(alpha: float) -> None:
    """α with make_divisible(·, 8) on stem and table widths; the 1280 last conv only widens."""
    with torch.device("meta"):
        theirs = torchvision.models.mobilenet_v2(weights=None, width_mult=alpha)
    assert archspec.load("mobilenet_v2", overrides={"alpha": alpha}).params == _params(theirs)


def test_v2_linear_bottlenecks_and_skips() -> None:
    net = archspec.load("mobilenet_v2")
    acts = {layer.attrs.kind for layer in net.layers if layer.op == "act"}
    assert acts == {"relu6"}
    # Skips only where stride 1 and in = out: all but the first block of each row of n = 1,2,3,4,3,3,1.
    assert sum(layer.op == "add" for layer in net.layers) == 0 + 1 + 2 + 3 + 2 + 2 + 0


# ---- v3 Large -------------------------------------------------------------------------------------


def test_v3_large_layout_equals_torchvision() -> None:
    assert_same_state_layout("mobilenet_v3_large")


@pytest.mark.parametrize("alpha", [0.5, 0.75, 1.25])
def test_v3_large_width_multiplier_equals_torchvision(alpha: float) -> None:
    """α scales `c` and the expanded width `exp` (a `width` parameter) alike, as torchvision."""
    with torch.device("meta"):
        theirs = torchvision.models.mobilenet_v3_large(weights=None, width_mult=alpha)
    assert archspec.load("mobilenet_v3_large", overrides={"alpha": alpha}).params == _params(theirs)


def test_v3_se_squeeze_is_make_divisible_of_a_quarter() -> None:
    net = archspec.load("mobilenet_v3_large")
    squeezes = [b.info["se.squeeze"] for b in net.blocks if "se.squeeze" in b.info]
    expanded = [b.info["exp"] for b in net.blocks if "se.squeeze" in b.info]

    def make_divisible(v: float) -> int:  # torchvision's _make_divisible(v, 8)
        new = max(8, int(v + 4) // 8 * 8)
        return new + 8 if new < 0.9 * v else new

    assert squeezes == [make_divisible(e // 4) for e in expanded]


# ---- v3 Small -------------------------------------------------------------------------------------


def test_v3_small_layout_equals_torchvision() -> None:
    assert_same_state_layout("mobilenet_v3_small")


@pytest.mark.parametrize("alpha", [0.5, 0.75, 1.25])
def test_v3_small_width_multiplier_equals_torchvision(alpha: float) -> None:
    with torch.device("meta"):
        theirs = torchvision.models.mobilenet_v3_small(weights=None, width_mult=alpha)
    assert archspec.load("mobilenet_v3_small", overrides={"alpha": alpha}).params == _params(theirs)


def test_v3_small_blocks_equal_torchvision_config() -> None:
    """Table 2 as torchvision builds it: kernel, expanded width, width, SE, activation and stride per block."""
    from torchvision.models import mobilenetv3 as tv

    setting, last = tv._mobilenet_v3_conf("mobilenet_v3_small")
    net = archspec.load("mobilenet_v3_small")
    rows = [s.info for s in net.stages if s.info.get("block") == "mbv3"]
    ours = [(r["k"], r["exp"], r["c"], r["se"], r["act"], r["s"]) for r in rows for _ in range(r["repeats"])]
    assert ours == [(c.kernel, c.expanded_channels, c.out_channels, c.use_se, "hardswish" if c.use_hs else "relu", c.stride)
                    for c in setting]
    assert [layer.out[0] for layer in net.layers if layer.op == "linear"] == [last, 1000]
