"""Nothing on the explorer's pages is cut or unreadable: whole metric values, "—" for a missing value,
tables that fit, an error report that wraps, chips that wrap, scatter labels that do not overlap, and
Streamlit's usage statistics off. (tests/app/test_browser.py measures the same in Chromium.)"""

from __future__ import annotations

import itertools
import json
import math
import subprocess
import sys
import tomllib
from argparse import Namespace

import pandas as pd
import pytest

import archspec
from archspec.cli.explore import command
from archspec.explorer.charts import PARETO_H, PARETO_W, pareto_chart
from archspec.explorer.labels import Box, log_domain, place, text_width
from archspec.explorer.model import pareto_front
from archspec.explorer.state import DEFAULT_COMPARE
from tests.app.conftest import ROOT, metric, open_app, set_spec, spec_text, switch


def test_the_input_metric_is_the_whole_shape() -> None:
    at = open_app(model="efficientnet_b3")
    assert metric(at, "Input") == "3×300×300"  # was cut to "300×…" (and then to H×W only)


def test_the_error_report_wraps() -> None:
    at = open_app()
    set_spec(at, spec_text(at).replace("  conv 64 k7 s2\n", "  conv 64 k7 s2 act=rleu\n"))
    assert at.code[0].proto.wrap_lines  # a long first line wraps instead of running off the right


@pytest.mark.parametrize("page", ["See", "Scale", "Compare"])
def test_a_missing_value_reads_as_a_dash(page: str) -> None:
    at = open_app(page, model="efficientnet_b0")
    if page == "Compare":
        at.multiselect(key="cmp_zoo").set_value(["resnet18"]).run()
    assert at.dataframe
    for table in at.dataframe:
        assert table.proto.placeholder == "—"  # Streamlit's default shows "None"


def test_the_stage_table_holds_numbers_and_the_arguments_wrap_apart() -> None:
    at = open_app("See")
    stages = at.dataframe[0].value.set_index("stage")
    assert pd.isna(stages.loc["stem", "depth"]) and pd.isna(stages.loc["head", "stride"])  # shown as "—"
    assert "config" not in stages.columns  # the long text that pushed the costs off the right
    args = at.table[0].value
    assert "expansion=4" in args.loc["stage1", "arguments"]


def test_the_stage_diff_fits() -> None:
    at = open_app("Compare")
    at.multiselect(key="cmp_zoo").set_value(["resnet18"]).run()
    diff = at.table[0].value  # a static table: its cells wrap
    assert len(diff.columns) <= 9
    assert diff.loc["stage1", "params A→B"] == "216\u00a0K → 148\u00a0K"  # a number never breaks across lines
    assert diff.loc["head", "depth A→B"] == "—"


def test_picked_models_wrap_onto_more_rows() -> None:
    at = open_app("Compare")
    assert at.multiselect(key="cmp_zoo").proto.wrap  # not one row that clips the last chips


# ---- the params-vs-MACs labels --------------------------------------------------------------------


def _boxes(placed) -> list[Box]:
    return [p.box for p in placed]


def _clear(boxes: list[Box]) -> bool:
    return not any(a.hits(b, gap=0) for a, b in itertools.combinations(boxes, 2))


def test_labels_of_a_crowd_do_not_overlap() -> None:
    # Seven dots within a few pixels of each other, and two on top of each other.
    points = [(300.0 + 3 * i, 200.0 + 2 * i) for i in range(7)] + [(100.0, 100.0), (100.0, 100.0)]
    texts = [f"efficientnet_b{i}" for i in range(7)] + ["resnet18", "resnet34"]
    placed = place(points, texts, PARETO_W, PARETO_H)
    boxes = _boxes(placed)
    assert _clear(boxes)
    assert all(0 <= b.x0 and b.x1 <= PARETO_W and 0 <= b.y0 and b.y1 <= PARETO_H for b in boxes)
    assert not any(b.hits_dot(x, y) for b in boxes for x, y in points)
    assert any(p.far for p in placed)  # pushed out of the crowd: joined to its dot by a line


def test_the_default_comparison_labels_do_not_overlap() -> None:
    at = open_app("Compare")
    drawn = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    assert (drawn["width"], drawn["height"]) == (PARETO_W, PARETO_H)  # the size the labels were placed for
    names = ["resnet50", *DEFAULT_COMPARE]
    nets = [archspec.load(n) for n in names]
    front = pareto_front([(n.params, n.macs) for n in nets])
    chart = pareto_chart([{"design": name, "params": n.params, "macs": n.macs, "front": f}
                          for name, n, f in zip(names, nets, front, strict=True)])
    rows = chart.layer[-1].data  # the labels' layer: each name at its placed spot
    xlo, xhi = log_domain(list(rows["params"]))
    ylo, yhi = log_domain(list(rows["macs"]))
    boxes = []
    for r in rows.itertuples():
        x = (math.log10(r.label_x) - xlo) / (xhi - xlo) * PARETO_W
        y = PARETO_H - (math.log10(r.label_y) - ylo) / (yhi - ylo) * PARETO_H
        boxes.append(Box(x, y - 7.5, x + text_width(r.design), y + 7.5))
    assert len(boxes) == 7 and _clear(boxes)


# ---- usage statistics -------------------------------------------------------------------------------


def test_streamlit_usage_statistics_are_off() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["browser"]["gatherUsageStats"] is False
    # Streamlit itself reads it so, started from the checkout (as `streamlit run app/explorer.py` is).
    probe = ("from streamlit import config; config.get_config_options(force_reparse=True); "
             "print(config.get_option('browser.gatherUsageStats'))")
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.strip() == "False"
    cmd = command(Namespace(port=8501, address="localhost", browser=False))  # `archspec explore`, from anywhere
    assert cmd[cmd.index("--browser.gatherUsageStats") + 1] == "false"


def test_switching_tabs_keeps_the_text() -> None:
    at = open_app()
    set_spec(at, spec_text(at).replace("fc 1000", "fc 7"))
    switch(at, "See")
    switch(at, "Edit")
    assert "fc 7" in spec_text(at)
