"""EfficientNet B0–B7: one family spec against torchvision's builders and the paper's Table 2."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from torch import nn

import archspec
from tests.conftest import ROOT
from tests.specs._torchvision import assert_same_state_layout, torchvision_model

VARIANTS = [f"b{i}" for i in range(8)]

# Tan & Le (2019), Table 2 (papers.md): params and MACs ("FLOPS"); torchvision's (width, depth);
# the resolutions the paper gives.
PAPER = {
    "b0": (5.3e6, 0.39e9, 224, 1.0, 1.0),
    "b1": (7.8e6, 0.70e9, 240, 1.0, 1.1),
    "b2": (9.2e6, 1.0e9, 260, 1.1, 1.2),
    "b3": (12e6, 1.8e9, 300, 1.2, 1.4),
    "b4": (19e6, 4.2e9, 380, 1.4, 1.8),
    "b5": (30e6, 9.9e9, 456, 1.6, 2.2),
    "b6": (43e6, 19e9, 528, 1.8, 2.6),
    "b7": (66e6, 37e9, 600, 2.0, 3.1),
}
ALPHA, BETA, GAMMA = 1.2, 1.1, 1.15  # the paper's compound bases for depth, width, resolution


def _efficientnet(width: float, depth: float) -> nn.Module:
    """torchvision's EfficientNet for any (width, depth) pair, on the meta device."""
    ef = importlib.import_module("torchvision.models.efficientnet")
    setting, last = ef._efficientnet_conf("efficientnet_b0", width_mult=width, depth_mult=depth)
    with torch.device("meta"):
        return ef.EfficientNet(setting, 0.2, last_channel=last)


@pytest.mark.parametrize("variant", VARIANTS)
def test_table2_macs_within_5_percent(variant: str) -> None:
    params, macs, res, width, depth = PAPER[variant]
    net = archspec.load(f"efficientnet_{variant}")
    assert net.input == (3, res, res)
    assert net.macs == pytest.approx(macs, rel=0.05)
    assert net.params == pytest.approx(params, rel=0.05)
    assert (net.config.knobs["width"], net.config.knobs["depth"]) == (width, depth)


@pytest.mark.parametrize("variant", VARIANTS)
def test_layout_equals_torchvision(variant: str) -> None:
    """Parameter shapes in order, count, and BatchNorm eps/momentum (0.001/0.01 for B5–B7)."""
    assert_same_state_layout(f"efficientnet_{variant}")


@pytest.mark.parametrize("variant", VARIANTS)
def test_resolved_widths_and_repeats_equal_torchvision_config(variant: str) -> None:
    ef = importlib.import_module("torchvision.models.efficientnet")
    _, _, _, width, depth = PAPER[variant]
    setting, _ = ef._efficientnet_conf("efficientnet_b0", width_mult=width, depth_mult=depth)
    net = archspec.load(f"efficientnet_{variant}")
    rows = [s.info for s in net.stages if s.info.get("block") == "mbconv"]
    assert [(r["c"], r["repeats"], r["e"], r["k"], r["s"]) for r in rows] == [
        (c.out_channels, c.num_layers, c.expand_ratio, c.kernel, c.stride) for c in setting]
    assert net.stages[0].info["widths"] == [setting[0].input_channels]


def test_stochastic_depth_schedule_equals_torchvision() -> None:
    """0.2 · block_index / num_blocks on every block with a skip, as torchvision's sd_prob."""
    for variant in ("b0", "b4"):
        with torch.device("meta"):
            theirs = torchvision_model(f"efficientnet_{variant}")
        expected = [m.stochastic_depth.p for m in theirs.modules() if hasattr(m, "use_res_connect") and m.use_res_connect]
        net = archspec.load(f"efficientnet_{variant}")
        ours = [layer.attrs.p for layer in net.layers if layer.op == "droppath"]
        assert ours == pytest.approx(expected, abs=1e-12)


def test_stochastic_depth_is_inactive_in_eval() -> None:
    m = archspec.load("efficientnet_b0").to_torch().eval()
    x = torch.randn(2, 3, 64, 64)
    with torch.no_grad():
        assert torch.equal(m(x), m(x))


@pytest.mark.parametrize("phi", [1, 2, 3])
def test_phi_equals_torchvision_at_the_compound_multipliers(phi: int) -> None:
    """--set phi=N on B0: depth 1.2^N, width 1.1^N (torchvision's rounding), resolution 224·1.15^N."""
    net = archspec.load("efficientnet_b0", overrides={"phi": phi})
    theirs = _efficientnet(BETA**phi, ALPHA**phi)
    assert net.params == sum(p.numel() for p in theirs.parameters())
    assert net.input == (3, round(224 * GAMMA**phi), round(224 * GAMMA**phi))


def test_phi_applies_on_top_of_the_variant() -> None:
    net = archspec.load("efficientnet_b2", overrides={"phi": 1})
    assert net.config.knobs["width"] == pytest.approx(1.1 * BETA)
    assert net.config.knobs["depth"] == pytest.approx(1.2 * ALPHA)
    assert net.input == (3, round(260 * GAMMA), round(260 * GAMMA))
    assert net.params == sum(p.numel() for p in _efficientnet(1.1 * BETA, 1.2 * ALPHA).parameters())


def test_phi_1_on_b0_about_doubles_the_macs() -> None:
    """α·β²·γ² = 1.92 is the ideal; rounding repeats up (ceil) only adds to it.

    The upper bound is the paper's own excess under the same ceil rounding: its B1 (depth 1.1,
    240 px) costs 0.70 / 0.39 = 1.79× B0 where d·r² predicts 1.1 · (240/224)² = 1.26, a factor
    of 1.42. One-block stages turn 1.2 into 2 repeats here the same way.
    """
    ideal = ALPHA * BETA**2 * GAMMA**2
    assert ideal == pytest.approx(1.92, abs=0.005)
    excess = (0.70 / 0.39) / (1.1 * (240 / 224) ** 2)
    ratio = archspec.load("efficientnet_b0", overrides={"phi": 1}).macs / archspec.load("efficientnet_b0").macs
    assert ideal <= ratio <= ideal * excess


def test_compound_scaling_without_rounding_is_alpha_beta2_gamma2() -> None:
    """Where nothing rounds (repeats and widths that scale to whole numbers), MACs grow by α·β²·γ²."""
    text = """network t
input 3x200x200
compound: depth=1.2 width=1.1 resolution=1.15
stem:
  conv 100 k3 s2
stages basic:
  100 x10 s1
  200 x10 s2
"""
    base, scaled = archspec.loads(text), archspec.loads(text, overrides={"phi": 1})
    assert scaled.input == (3, 230, 230)
    assert scaled.macs / base.macs == pytest.approx(ALPHA * BETA**2 * GAMMA**2, rel=0.02)


def test_cli_phi_and_variant() -> None:
    exe = Path(sys.executable).with_name("archspec")
    args = [str(exe), "analyze", "efficientnet_b0", "--set", "phi=1", "--json"]
    out = json.loads(subprocess.run(args, capture_output=True, text=True, check=True, cwd=ROOT).stdout)
    assert out["input"] == [3, 258, 258] and out["knobs"]["phi"] == 1
    args = [str(exe), "analyze", "specs/efficientnet.arch", "--variant", "b3", "--json"]
    out = json.loads(subprocess.run(args, capture_output=True, text=True, check=True, cwd=ROOT).stdout)
    assert out["variant"] == "b3" and out["input"] == [3, 300, 300]
    # every resolved width and repeat count is printed: the stage rows and each block's expanded width
    stage3 = next(s for s in out["stages"] if s["name"] == "stage3")
    assert stage3["info"]["c"] == 48 and stage3["info"]["repeats"] == 3 and stage3["info"]["hidden"] == 192
    assert all("hidden" in b["info"] and "se.squeeze" in b["info"] for b in out["blocks"])
