"""EfficientNetV2-S/M/L: Fused-MBConv and MBConv stages, each against torchvision's builder."""

from __future__ import annotations

import pytest
import torch
from torchvision.models import efficientnet as tv

import archspec
from tests.specs._torchvision import assert_same_state_layout, torchvision_model

NAMES = ["efficientnet_v2_s", "efficientnet_v2_m", "efficientnet_v2_l"]
# torchvision's eval crop for each (the reference input), and its classifier dropout.
INPUT = {"efficientnet_v2_s": 384, "efficientnet_v2_m": 480, "efficientnet_v2_l": 480}
DROPOUT = {"efficientnet_v2_s": 0.2, "efficientnet_v2_m": 0.3, "efficientnet_v2_l": 0.4}


@pytest.mark.parametrize("name", NAMES)
def test_layout_equals_torchvision(name: str) -> None:
    """Parameter shapes in order, the count, and BatchNorm eps 0.001 / momentum 0.1 everywhere."""
    assert_same_state_layout(name)


@pytest.mark.parametrize("name", NAMES)
def test_stages_equal_torchvision_config(name: str) -> None:
    """Block type, expansion, kernel, stride, width and repeats per stage; stem 24/32, last conv 1280."""
    setting, last = tv._efficientnet_conf(name)
    net = archspec.load(name)
    rows = [s.info for s in net.stages if s.info.get("block") in ("fused_mbconv", "mbconv")]
    kind = {tv.FusedMBConv: "fused_mbconv", tv.MBConv: "mbconv"}
    assert [(r["block"], r["e"], r["k"], r["s"], r["c"], r["repeats"]) for r in rows] == [
        (kind[c.block], c.expand_ratio, c.kernel, c.stride, c.out_channels, c.num_layers) for c in setting]
    assert net.stages[0].info["widths"] == [setting[0].input_channels]
    assert net.stages[-1].info["widths"] == [last, 1000]
    assert net.input == (3, INPUT[name], INPUT[name])
    assert [layer.attrs.p for layer in net.layers if layer.op == "dropout"] == [DROPOUT[name]]
    fused = [s.name for s in net.stages if s.info.get("block") == "fused_mbconv"]
    se_stages = {layer.path.split(".")[0] for layer in net.layers if ".se" in layer.path}
    assert len(fused) == 3 and not se_stages & set(fused)  # Fused-MBConv has no SE; every MBConv stage has one

@pytest.mark.parametrize("name", NAMES)
def test_stochastic_depth_schedule_equals_torchvision(name: str) -> None:
    """0.2 · block_index / num_blocks over Fused-MBConv and MBConv blocks together, where a skip exists."""
    with torch.device("meta"):
        theirs = torchvision_model(name)
    expected = [m.stochastic_depth.p for m in theirs.modules() if isinstance(m, (tv.MBConv, tv.FusedMBConv))
                and m.use_res_connect]
    ours = [layer.attrs.p for layer in archspec.load(name).layers if layer.op == "droppath"]
    assert ours == pytest.approx(expected[1:], abs=1e-12)  # the first block's p is 0: no drop-path layer
    assert expected[0] == 0
