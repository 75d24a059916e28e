"""The diagrams: golden DOT, the structure they draw, stable ids, determinism, the docs gallery.

Goldens live in tests/backends/golden/; after an intended change to the diagrams, regenerate with

    ARCHSPEC_REGEN_GOLDEN=1 .venv/bin/pytest tests/backends/test_graphviz.py -k golden

and read the diff before committing it.
"""

from __future__ import annotations

import difflib
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import archspec
from archspec import zoo
from archspec.backends import graphviz as gv
from archspec.backends.graphviz import columns, gallery
from archspec.backends.graphviz.labels import shape
from archspec.backends.graphviz.theme import KIND_HUE
from tests.conftest import ROOT, needs_dot, spec, zoo_families

GOLDEN = Path(__file__).parent / "golden"
GALLERY = ROOT / "docs" / "gallery"
SVG = "{http://www.w3.org/2000/svg}"

# ---- reading DOT and SVG back --------------------------------------------------------------------

_NODE = re.compile(r'^\s*"(?P<name>[^"]+)" \[id="(?P<id>[^"]*)" class="(?P<cls>[^"]*)" label=<(?P<label>.*)>')
_EDGE = re.compile(r'^\s*"(?P<src>[^"]+)" -> "(?P<dst>[^"]+)" \[id="(?P<id>[^"]*)" class="(?P<cls>[^"]*)"(?: label="(?P<label>[^"]*)")?')


def dot_nodes(text: str) -> dict[str, dict[str, str]]:
    return {m["id"]: m.groupdict() for m in map(_NODE.match, text.splitlines()) if m}


def dot_edges(text: str) -> list[dict[str, str]]:
    return [m.groupdict() for m in map(_EDGE.match, text.splitlines()) if m]


def plain(html: str) -> str:
    """The text of an HTML-like label."""
    return re.sub(r"<[^>]+>", " ", html).replace("&amp;", "&")


def svg_groups(data: bytes, cls: str) -> dict[str, ET.Element]:
    """SVG groups whose class list holds ``cls``, by id."""
    root = ET.fromstring(data)
    return {g.get("id", ""): g for g in root.iter(f"{SVG}g") if cls in (g.get("class") or "").split()}


def texts(g: ET.Element) -> list[str]:
    return [t.text or "" for t in g.iter(f"{SVG}text")]


def load(name: str) -> archspec.Network:
    entry = zoo.find(name)
    assert entry is not None, f"{name} is not in the zoo"
    return archspec.load(entry.spec, variant=entry.variant)


# ---- goldens -------------------------------------------------------------------------------------

GOLDENS = [("resnet50", "stage"), ("resnet50", "block"), ("resnet50", "layer"), ("googlenet", "stage"), ("googlenet", "block"),
           ("efficientnet_b0", "stage"), ("efficientnet_b0", "block"), ("densenet121", "stage"), ("densenet121", "block")]


@pytest.mark.parametrize(("name", "level"), GOLDENS, ids=[f"{n}-{lv}" for n, lv in GOLDENS])
def test_golden_dot(name: str, level: str) -> None:
    got = load(name).to_dot(level=level)
    path = GOLDEN / f"{name}.{level}.dot"
    if os.environ.get("ARCHSPEC_REGEN_GOLDEN"):
        path.write_text(got, encoding="utf-8")
    assert path.exists(), f"no golden {path.name}; create it with ARCHSPEC_REGEN_GOLDEN=1"
    want = path.read_text(encoding="utf-8")
    if got != want:
        diff = difflib.unified_diff(want.splitlines(), got.splitlines(), f"golden/{path.name}", "now", lineterm="", n=1)
        shown = list(diff)
        pytest.fail(f"{path.name} differs from the golden ({len(shown)} diff lines; regenerate with "
                    "ARCHSPEC_REGEN_GOLDEN=1 if intended):\n" + "\n".join(shown[:80]), pytrace=False)


# ---- what the diagrams draw ----------------------------------------------------------------------


def test_resnet152_block_level_folds_stage3_and_labels_the_projection() -> None:
    net = archspec.load("resnet152")
    text = net.to_dot(level="block")
    nodes, edges = dot_nodes(text), dot_edges(text)
    folded = {i: n for i, n in nodes.items() if "folded" in n["cls"].split()}
    in_stage3 = [i for i in folded if i.startswith("stage3.")]
    assert in_stage3 == ["stage3.1-35"]
    assert "bottleneck ×35" in plain(folded["stage3.1-35"]["label"])
    # The projection is a node beside the block's body (a side lane), its edge into the add labelled.
    proj = nodes["stage3.0.shortcut"]
    assert proj["cls"] == "shortcut projection conv"
    assert "projection shortcut" in plain(proj["label"]) and "conv 1×1, 1024, s2 · bn" in plain(proj["label"])
    (out,) = [e for e in edges if e["src"] == "stage3.0.shortcut"]
    # No shape on the lane's edge into the add: the add's output edge says it.
    assert out["cls"] == "shortcut projection" and out["dst"] == "stage3.0.add1" and not out.get("label")
    assert '{rank=same; "title:stage3"; "title:stage3.0"; "stage3.0.conv1"; "stage3.0.shortcut"}' in text
    # The first block of the stage is drawn in full, as a cluster named by its path.
    assert 'subgraph "cluster_stage3.0"' in text and 'id="stage3.0"' in text
    assert len(nodes) < 40  # 152 layers deep, a page of nodes


@needs_dot
@pytest.mark.parametrize("name", ["resnet152", "efficientnet_b7"])
def test_deep_networks_fit_on_a_page_at_block_level_compact(name: str) -> None:
    root = ET.fromstring(gv.render_bytes(load(name), "svg", level="block", layout="compact"))
    w, h = (float(v) for v in root.get("viewBox", "").split()[2:])
    assert max(w, h) < 1800 and 0.5 < h / w < 2.5, (w, h)


def test_repeated_blocks_fold_and_a_block_standing_alone_is_drawn_in_full() -> None:
    text = archspec.load("resnet18").to_dot(level="block")
    nodes = dot_nodes(text)
    assert "basic ×2" in plain(nodes["stage1.0-1"]["label"])  # two identical blocks
    for path in ("stage2.0", "stage2.1"):  # the strided block differs from the one after it
        assert f'subgraph "cluster_{path}"' in text
        assert f"{path}.add1" in nodes


def test_stage_level_is_the_table_of_the_paper() -> None:
    net = archspec.load("resnet50")
    text = net.to_dot(level="stage")
    nodes, edges = dot_nodes(text), dot_edges(text)
    assert [i for i in nodes if i not in ("input", "output", "legend")] == [s.name for s in net.stages]
    s3 = plain(nodes["stage3"]["label"])
    for part in ("stage3 · bottleneck ×6", "conv 1×1, 256", "conv 3×3, 256", "conv 1×1, 1024", "→ 1024×14×14", "7.10 M params", "1.46 G MACs"):
        assert part in s3
    # Every edge carries the shape the analysis gives the stage it leaves.
    outs = {"input": net.input, **{s.name: s.out for s in net.stages}}
    assert [e["label"] for e in edges] == [shape(outs[e["src"]]) for e in edges]


@needs_dot
def test_layer_level_ids_are_paths_and_edges_carry_the_analysis_shapes() -> None:
    net = archspec.load("resnet50")
    data = gv.render_bytes(net, "svg", level="layer", fold=False)
    layers = {layer.path: layer for layer in net.layers}
    assert set(svg_groups(data, "layer")) == set(layers)
    clusters = set(svg_groups(data, "cluster"))
    assert {s.name for s in net.stages} | {b.name for b in net.blocks} | {"stage1.0.shortcut"} <= clusters
    labelled = 0
    for eid, g in svg_groups(data, "data").items():
        src, dst = eid.split("->")
        assert dst in layers or dst == "output"
        if texts(g):
            labelled += 1
            assert texts(g) == [shape(net.input if src == "input" else layers[src].out)], eid
    assert labelled > len(layers) * 0.9
    # every bottleneck but the first of each stage: a lane node, the dashed edges into and out of it
    lanes = {i for i, g in svg_groups(data, "identity").items() if "node" in g.get("class", "")}
    assert lanes == {f"{b.name}.shortcut" for b in net.blocks if not b.name.endswith(".0")}
    assert len(svg_groups(data, "identity")) == 3 * len(lanes) == 3 * (16 - 4)


def test_inception_branches_meet_in_a_labelled_concat() -> None:
    text = archspec.loads(spec("stem:\n  conv 16 k3\n  concat:\n    branch: conv 8 k1\n    branch: conv 4 k1; conv 8 k3\n"
                               "    branch: maxpool k3 s1 p1; conv 4 k1\nhead:\n  avgpool global\n  fc 10\n")).to_dot()
    nodes, edges = dot_nodes(text), dot_edges(text)
    branches = ["stem.branch1", "stem.branch2", "stem.branch3"]
    assert all(b in nodes for b in branches)
    assert "conv 1×1, 4 · bn · relu" in plain(nodes["stem.branch2"]["label"])
    assert "concat 8+8+4" in plain(nodes["stem.concat1"]["label"])
    into = [e["src"] for e in edges if e["dst"] == "stem.concat1"]
    assert into == branches
    fan = [e for e in edges if e["src"] == "stem.conv1"]
    assert [e["dst"] for e in fan] == branches and [e["label"] for e in fan] == ["16×32×32", None, None]


def test_dense_block_is_one_node_and_se_one_row() -> None:
    text = archspec.loads(spec("stem:\n  conv 16 k3\n  dense 3:\n    conv 4 k3\n  scale:\n    avgpool global\n"
                               "    conv 4 k1\n    conv 28 k1 act=sigmoid\n")).to_dot()
    nodes = dot_nodes(text)
    dense = plain(nodes["stem.dense1"]["label"])
    assert "dense ×3" in dense and "growth 4, 16→28 channels" in dense and "conv 3×3, 4" in dense
    assert "⊗ SE 28→4→28" in plain(nodes["stem.avgpool1"]["label"])


@needs_dot
def test_googlenet_block_level_has_every_inception_branch() -> None:
    data = gv.render_bytes(load("googlenet"), "svg", level="block")
    ids = set(svg_groups(data, "node"))
    for k in range(1, 5):
        assert f"inception4.inception3.branch{k}" in ids
    assert "".join(texts(svg_groups(data, "merge")["inception4.inception3.concat1"])).endswith("concat 128+256+64+64")


def test_densenet_block_level_shows_growth() -> None:
    nodes = dot_nodes(load("densenet121").to_dot())
    label = plain(nodes["stage3.0.dense1"]["label"])
    assert "dense ×24" in label and "growth 32" in label
    assert "transition" in plain(nodes["stage1.0.transition1"]["label"])


def test_colours_follow_the_op_kind() -> None:
    text = archspec.load("resnet18").to_dot(level="layer")
    for line in text.splitlines():
        m = re.search(r'class="layer (\w+)".* color="(#[0-9A-F]{6})"', line)
        if m:
            assert m[2] == KIND_HUE[m[1]], line
    assert 'id="legend"' in text and "conv " in text and "(convolution)" in text


@pytest.mark.parametrize("level", gv.LEVELS)
def test_legend_title_and_endpoints_at_every_level(level: str) -> None:
    text = archspec.load("resnet18").to_dot(level=level)
    nodes = dot_nodes(text)
    assert {"input", "output", "legend"} <= set(nodes)
    assert nodes["legend"]["cls"] == "legend" and "tensor shape on each edge" in plain(nodes["legend"]["label"])
    assert f'class="archspec {level}-level"' in text and "multiply-accumulates" in text


def test_themes_and_rankdir() -> None:
    net = archspec.load("resnet18")
    dark = net.to_dot(theme="dark", rankdir="LR")
    assert 'bgcolor="#1E1E1E"' in dark and 'rankdir="LR"' in dark
    assert 'bgcolor="#FFFFFF"' in net.to_dot()
    with pytest.raises(ValueError, match="level"):
        net.to_dot(level="module")


def test_same_spec_same_dot() -> None:
    for name in ("resnet50", "googlenet", "densenet121"):
        if zoo.find(name) is None:
            continue
        for level in gv.LEVELS:
            first = load(name).to_dot(level=level)
            assert first == load(name).to_dot(level=level)
            assert not re.search(r"0x[0-9a-f]{6,}", first)  # no object addresses


@needs_dot
def test_svg_is_deterministic_and_stamps_no_time() -> None:
    a = gv.render_bytes(archspec.load("resnet50"), "svg")
    assert a == gv.render_bytes(archspec.load("resnet50"), "svg")
    comments = re.findall(rb"<!--(.*?)-->", a, re.S)
    assert not [c for c in comments if re.search(rb"\d{4}-\d\d-\d\d|\d\d:\d\d:\d\d", c)]


def png_size(data: bytes) -> tuple[int, int]:
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


@needs_dot
def test_png_at_a_chosen_dpi_and_pdf_with_its_fonts() -> None:
    net = archspec.load("resnet18")
    png = gv.render_bytes(net, "png", level="stage")
    assert png.startswith(b"\x89PNG")
    w, h = png_size(png)
    root = ET.fromstring(gv.render_bytes(net, "svg", level="stage"))
    pw, ph = (float(v) for v in root.get("viewBox", "").split()[2:])
    # the default is twice a screen's 96 dpi: 192 px per 72 pt, sharp on a retina display
    assert abs(w - pw * gv.DEFAULT_DPI / 72) < 4 and abs(h - ph * gv.DEFAULT_DPI / 72) < 4, (w, h, pw, ph)
    w3, _ = png_size(gv.render_bytes(net, "png", level="stage", dpi=300))
    assert abs(w3 - pw * 300 / 72) < 4
    pdf = gv.render_bytes(net, "pdf", level="stage")
    assert pdf.startswith(b"%PDF") and pdf == gv.render_bytes(net, "pdf", level="stage")
    # every font embedded (a subset of it): each font descriptor carries its font file
    descriptors = re.findall(rb"/Type /FontDescriptor", pdf)
    assert descriptors and len(re.findall(rb"/FontFile[23]? \d+ 0 R", pdf)) == len(descriptors)
    assert b"DejaVuSans" in pdf


def test_svg_names_the_font_with_a_fallback() -> None:
    text = archspec.load("resnet18").to_dot()
    assert 'fontname="DejaVu Sans, sans-serif"' in text and "Helvetica" not in text


def test_network_api_without_graphviz(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    net = archspec.load("resnet18")
    assert net.to_dot(level="stage").startswith('digraph "resnet18"')
    monkeypatch.setenv("PATH", str(tmp_path))
    assert not gv.have_dot() and net._repr_svg_() is None
    with pytest.raises(gv.DotError, match="apt-get install graphviz"):
        gv.render_bytes(net, "svg")
    assert gv.render_bytes(net, "dot").startswith(b"digraph")


@needs_dot
def test_repr_svg_for_notebooks() -> None:
    svg = archspec.load("resnet18")._repr_svg_()
    assert svg is not None and svg.startswith("<?xml")
    assert "stage1.0-1" in svg_groups(svg.encode(), "folded")


def test_columns_balance_the_stages() -> None:
    assert columns.partition([1, 1, 1, 1], 2) == [0, 0, 1, 1]
    assert columns.partition([5, 1, 1, 1, 1, 1], 2) == [0, 1, 1, 1, 1, 1]
    assert columns.plan([(100.0, 300.0)]) == [0]
    tall = columns.plan([(400.0, 200.0)] * 6)
    assert tall == sorted(tall) and 1 < len(set(tall)) < 6


# ---- every model, every level (slow) and the gallery ---------------------------------------------


@needs_dot
@pytest.mark.slow
@pytest.mark.parametrize("entry", [zoo.find(n) for n in zoo_families()], ids=zoo_families())
def test_every_zoo_model_renders_at_every_level(entry: zoo.Entry) -> None:
    for level in gv.LEVELS:
        first = gv.render_bytes(archspec.load(entry.spec, variant=entry.variant), "svg", level=level)
        again = gv.render_bytes(archspec.load(entry.spec, variant=entry.variant), "svg", level=level)
        assert first == again, f"{entry.name} at {level} level differs between two runs"
        ids = set(svg_groups(first, "node"))
        assert {"input", "output", "legend"} <= ids, level
        every = [g.get("id") for g in ET.fromstring(first).iter(f"{SVG}g")]
        assert len(every) == len(set(every)), f"{entry.name} at {level} level repeats an id"


def _svg_content(data: bytes) -> list[tuple[str, str, list[str]]]:
    """What an SVG says, whatever the layout: every group's id, class and texts."""
    root = ET.fromstring(data)
    return [(g.get("id", ""), g.get("class", ""), texts(g)) for g in root.iter(f"{SVG}g")]


def _dot_version(data: bytes) -> bytes:
    m = re.search(rb"Generated by graphviz version ([^\n]*)", data)
    return m[1] if m else b""


@needs_dot
@pytest.mark.slow  # draws the whole gallery
def test_gallery_is_up_to_date() -> None:
    fresh = gallery.files()
    committed = {p.name for p in GALLERY.glob("*")} if GALLERY.is_dir() else set()
    regen = f"regenerate with `{gallery.REGEN}`"
    assert committed == set(fresh), f"docs/gallery has {sorted(committed ^ set(fresh))} wrong; {regen}"
    for name, data in fresh.items():
        old = (GALLERY / name).read_bytes()
        if name.endswith(".svg") and _dot_version(old) != _dot_version(data):
            # Another Graphviz lays out differently: compare what the diagram says, not where.
            assert _svg_content(old) == _svg_content(data), f"docs/gallery/{name} is stale; {regen}"
        else:
            assert old == data, f"docs/gallery/{name} is stale; {regen}"
