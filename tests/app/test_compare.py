"""The Compare tab: side by side with deltas, the Pareto front, a stage diff, pinned designs."""

from __future__ import annotations

import archspec
from archspec.explorer.model import pareto_front
from tests.app.conftest import open_app, set_spec, spec_text, switch


def _compare(at):
    return at.dataframe[0].value


def _diff(at):
    return at.table[0].value


def test_delta_table_has_both_designs() -> None:
    at = open_app("Compare")
    at.multiselect(key="cmp_zoo").set_value(["resnet18", "resnet34"]).run()
    table = _compare(at)
    assert list(table["design"]) == ["current: resnet50", "resnet18", "resnet34"]
    r18, r34 = archspec.load("resnet18"), archspec.load("resnet34")
    row = table.set_index("design")
    assert row.loc["resnet18", "params"] == r18.params and row.loc["resnet34", "macs"] == r34.macs
    assert row.loc["current: resnet50", "Δ params"] == "0"  # the baseline
    assert row.loc["resnet18", "Δ params %"] < 0
    at.selectbox(key="cmp_base").select("resnet18").run()
    row = _compare(at).set_index("design")
    assert row.loc["resnet18", "Δ MACs"] == "0"
    assert row.loc["resnet34", "Δ MACs %"] > 0
    assert len(at.get("vega_lite_chart")) == 1  # the params-vs-MACs scatter


def test_stage_diff_says_what_changed() -> None:
    at = open_app("Compare")
    at.multiselect(key="cmp_zoo").set_value(["resnet18", "resnet50"]).run()
    at.selectbox(key="cmp_a").select("resnet18").run()
    at.selectbox(key="cmp_b").select("resnet50").run()
    diff = _diff(at)
    assert diff.loc["stage1", "depth A→B"] == "2 → 3"
    assert diff.loc["stage1", "width A→B"] == "64 → 256"
    assert diff.loc["stage2", "stride A→B"] == "2"  # unchanged
    assert "block" in diff.loc["stage1", "changed"]
    assert diff.loc["stem", "changed"] == ""


def test_variants_of_the_spec_in_the_editor() -> None:
    at = open_app("Compare", model="efficientnet_b0")
    at.multiselect(key="cmp_zoo").set_value([]).run()
    at.multiselect(key="cmp_variants").set_value(["b1", "b2"]).run()
    names = list(_compare(at)["design"])
    assert names == ["current: efficientnet:b0", "efficientnet:b1", "efficientnet:b2"]


def test_a_pinned_design_keeps_its_numbers_after_edits() -> None:
    at = open_app("Edit")
    text = spec_text(at)
    switch(at, "Compare")
    at.multiselect(key="cmp_zoo").set_value([]).run()
    at.button(key="pin").click().run()
    switch(at, "Edit")
    set_spec(at, text.replace("fc 1000", "fc 10"))
    switch(at, "Compare")
    row = _compare(at).set_index("design")
    assert row.loc["pin 1: resnet50", "params"] == archspec.loads(text).params
    assert row.loc["current: resnet50", "params"] == archspec.loads(text.replace("fc 1000", "fc 10")).params


def test_pareto_front() -> None:
    # (params, MACs): the second is beaten by the first on both; the others trade one for the other.
    points = [(1, 10), (2, 11), (3, 5), (5, 1), (5, 1)]
    assert pareto_front(points) == [True, False, True, True, True]
