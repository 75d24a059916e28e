"""Foreign weights mapped by position with shape checks; a failure names both keys and shapes."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
import torchvision

import archspec
from archspec.backends.weights import WeightsError, load_weights, read_state_dict
from tests.backends.conftest import randomize_norms


def _torchvision(name: str = "resnet18") -> torch.nn.Module:
    torch.manual_seed(0)
    m = getattr(torchvision.models, name)(weights=None).eval()
    randomize_norms(m)
    return m


@pytest.mark.parametrize("form", ["dict", "file", "checkpoint"])
def test_weights_give_torchvision_outputs(form: str, tmp_path: Path) -> None:
    tv = _torchvision()
    source: object = tv.state_dict()
    if form != "dict":
        source = tmp_path / "w.pt"
        torch.save(tv.state_dict() if form == "file" else {"epoch": 3, "state_dict": tv.state_dict()}, source)
    ours = archspec.load("resnet18").to_torch(weights=source).eval()
    x = torch.randn(2, 3, 64, 64)
    with torch.no_grad():
        assert torch.allclose(ours(x), tv(x), rtol=1e-4, atol=1e-5)


def test_torchvision_name_builds_without_download() -> None:
    mapping = load_weights(archspec.load("resnet18").to_torch(), "torchvision:resnet18")
    assert mapping["stem.conv1.weight"] == "conv1.weight" and mapping["head.fc1.bias"] == "fc.bias"


def test_googlenet_aux_heads_are_left_out() -> None:
    load_weights(archspec.load("googlenet").to_torch(), "torchvision:googlenet")


def test_mismatch_names_both_keys_and_shapes() -> None:
    with pytest.raises(WeightsError, match=r"stage2\.0\.conv1\.weight \(128, 64, 3, 3\) vs layer1\.2\.conv1\.weight \(64, 64, 3, 3\)"):
        archspec.load("resnet18").to_torch(weights="torchvision:resnet34")


def test_fewer_entries_name_the_first_without_a_partner() -> None:
    sd = dict(_torchvision().state_dict())
    sd.pop("fc.bias")
    with pytest.raises(WeightsError, match=r"the first entry without a partner is the module's head\.fc1\.bias \(1000,\)"):
        archspec.load("resnet18").to_torch(weights=sd)


def test_missing_batchnorm_counters_are_fine() -> None:
    sd = {k: v for k, v in _torchvision().state_dict().items() if not k.endswith("num_batches_tracked")}
    archspec.load("resnet18").to_torch(weights=sd)


def test_bad_sources_say_what_is_wrong(tmp_path: Path) -> None:
    with pytest.raises(WeightsError, match="no weights file"):
        read_state_dict(tmp_path / "missing.pt")
    (tmp_path / "junk.pt").write_bytes(b"not a checkpoint")
    with pytest.raises(WeightsError, match="cannot read weights"):
        read_state_dict(tmp_path / "junk.pt")
    torch.save({"epoch": 1}, tmp_path / "meta.pt")
    with pytest.raises(WeightsError, match="holds no state_dict"):
        read_state_dict(tmp_path / "meta.pt")
    with pytest.raises(WeightsError, match="did you mean `resnet50`"):
        read_state_dict("torchvision:resnet5")
