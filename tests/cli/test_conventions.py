"""``archspec analyze --convention NAME``, ``--conventions``, ``--memory`` and the JSON they share."""

from __future__ import annotations

import json

import pytest

import archspec
from archspec.cli import main
from archspec.conventions import CONVENTIONS


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_conventions_table_lists_every_total_and_difference(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "analyze", "resnet50", "--conventions")
    assert code == 0
    for name, total in archspec.load("resnet50").counts().items():
        assert name in out and f"{total:,}" in out
    assert "+44,455,936" in out  # thop's batch norms over `macs`
    assert "+19,217,408" in out  # ptflops' ReLUs, counted by hook and by F.relu
    assert "Δ vs macs" in out and "2/input" in out and "4/elem" in out


def test_one_convention_split_by_operator(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "analyze", "resnet50", "--convention", "fvcore")
    assert code == 0
    for op, v in {"conv": 4_087_136_256, "batch_norm": 22_227_968, "adaptive_avg_pool2d": 100_352, "linear": 2_048_000}.items():
        assert op in out and f"{v:,}" in out
    assert "fvcore: 4,111,512,576 = macs +22,328,320 (norm +22,227,968, pool +100,352)" in out


def test_convention_column_per_layer(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "analyze", "resnet18", "--convention", "ptflops", "--per-layer")
    assert code == 0
    assert "stem.act1" in out and f"{2 * 64 * 112 * 112:,}" in out  # a ReLU, counted twice by ptflops


def test_convention_names_are_forgiving_and_checked(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "analyze", "resnet18", "--convention", "CALFLOPS-FLOPS")
    assert code == 0 and f"{archspec.load('resnet18').count('calflops_flops'):,}" in out
    code, _, err = run(capsys, "analyze", "resnet18", "--convention", "flopz")
    assert code == 2 and "invalid choice" in err and "ptflops" in err
    code, _, err = run(capsys, "analyze", "resnet18", "--memory", "--batch", "0")
    assert code == 2 and "--batch" in err


def test_memory_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "analyze", "resnet50", "--memory", "--batch", "32")
    assert code == 0
    assert "batch 32" in out and "training, Adam" in out and "torchinfo: estimated total size" in out
    assert "102.23 MB" in out  # 25,557,032 fp32 parameters


def test_json_has_every_convention_per_layer_and_memory(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "analyze", "mobilenet_v2", "--json")
    assert code == 0
    d = json.loads(out)
    assert set(d["counts"]) == set(CONVENTIONS) == set(d["convention_details"])
    for name, total in d["counts"].items():
        assert sum(layer["counts"][name] for layer in d["layers"]) == total
    assert d["convention_details"]["thop"]["by_operator"]["nn.BatchNorm2d"] > 0
    mem = d["memory"]
    assert mem["params"] == 4 * d["params"] and mem["train_adam"] > mem["train_sgd_momentum"]
    assert {(t["batch"], t["dtype"]) for t in mem["training"]} >= {(1, "fp32"), (256, "bf16")}
    assert all(layer["saved_bytes"] >= 0 for layer in d["layers"])
