"""``diff``: two designs compared stage by stage."""

from __future__ import annotations

import archspec
from archspec.diff import diff, stage_facts
from tests.conftest import spec


def test_stride_placement_changes_macs_only() -> None:
    d = diff(archspec.load("resnet50"), archspec.load("resnet50_paper"))
    by = {s["stage"]: s for s in d["stages"]}
    assert by["stem"]["status"] == by["stage1"]["status"] == "same"
    assert by["stage2"]["changed"] == ["macs"] and by["stage2"]["fields"]["macs"][1] < by["stage2"]["fields"]["macs"][0]
    assert d["totals"]["params"][0] == d["totals"]["params"][1] and not d["same"]


def test_facts_per_stage() -> None:
    f = stage_facts(archspec.load("resnet50"))
    assert f["stage3"] == {"block": "bottleneck", "depth": 6, "width": 1024, "widths": [256, 1024], "stride": 2,
                           "out": [1024, 14, 14], "params": f["stage3"]["params"], "macs": f["stage3"]["macs"]}
    assert f["stem"]["stride"] == 4 and f["head"]["stride"] is None and f["stem"]["depth"] == 1


def test_added_and_removed_stages() -> None:
    a = archspec.loads(spec("stem:\n  conv 8 k3\nstages basic:\n  8 x1 s1\n  16 x2 s2\n"))
    b = archspec.loads(spec("stem:\n  conv 8 k3\nstages basic:\n  8 x1 s1\nhead:\n  avgpool global\n  fc 4\n"))
    status = {s["stage"]: s["status"] for s in diff(a, b)["stages"]}
    assert status == {"stem": "same", "stage1": "same", "stage2": "removed", "head": "added"}


def test_same_design_is_same() -> None:
    assert diff(archspec.load("resnet18"), archspec.load("specs/resnet18.arch"))["same"]


def test_network_diff_method() -> None:
    a, b = archspec.load("resnet18"), archspec.load("resnet34")
    assert a.diff(b) == diff(a, b) and a.diff(b)["stages"][1]["fields"]["depth"] == [2, 3]


def test_why_a_stage_changed() -> None:
    d = diff(archspec.load("resnet50"), archspec.load("resnet50_paper"))
    by = {s["stage"]: s["why"] for s in d["stages"]}
    assert by["stage2"] == by["stage4"] == ["stride_on 3→1"] and by["stem"] == by["head"] == []
    # A stage whose own config is the same but whose input is not says so.
    a = archspec.loads(spec("stem:\n  conv 8 k3\nstages basic:\n  16 x1 s1\n"))
    b = archspec.loads(spec("stem:\n  conv 16 k3\nstages basic:\n  16 x1 s1\n"))
    by = {s["stage"]: s["why"] for s in diff(a, b)["stages"]}
    assert by["stem"] == ["widths [8] → [16]"] and by["stage1"] == ["input 8×32×32→16×32×32"]
