"""A whole editing session on zoo specs, through a real `archspec lsp` process: initialize, open, inlay
hints, hover, completion, definition, symbols, formatting, change, close and shutdown. Every shape and
number is checked against `archspec.load(...)`'s analysis."""

from __future__ import annotations

import itertools

import pytest
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

import archspec
from archspec.lsp.text import arrow, cost, exact, shape
from tests.lsp.conftest import INITIALIZED, ROOT, SPECS, change_doc, ensure_open, open_doc, uri_of

pytestmark = pytest.mark.asyncio(loop_scope="module")

RESNET = (SPECS / "resnet50.arch").read_text()
LINES = RESNET.split("\n")
OWN = "\n".join(["network own", "input 3x32x32", "let width_c = 16", "", "block twice(c):", "  conv c k3", "  conv c k3", "",
                 "stem:", "  twice width_c", ""])


def doc(uri: str) -> lsp.TextDocumentIdentifier:
    return lsp.TextDocumentIdentifier(uri=uri)


def pos(line: int, col: int) -> lsp.Position:
    """A position from 1-based line and column, as the tests write them."""
    return lsp.Position(line=line - 1, character=col - 1)


def line_of(text: str) -> int:
    """The 1-based line of resnet50.arch that is exactly ``text``."""
    return LINES.index(text) + 1


async def hints(client: LanguageClient, uri: str, last: int = 200) -> dict[int, lsp.InlayHint]:
    got = await client.text_document_inlay_hint_async(lsp.InlayHintParams(
        text_document=doc(uri), range=lsp.Range(start=pos(1, 1), end=pos(last, 1))))
    return {h.position.line + 1: h for h in got or []}


async def hover_text(client: LanguageClient, uri: str, line: int, col: int) -> str:
    got = await client.text_document_hover_async(lsp.HoverParams(text_document=doc(uri), position=pos(line, col)))
    assert got is not None and isinstance(got.contents, lsp.MarkupContent)
    return got.contents.value


async def test_the_server_says_what_it_can(client: LanguageClient) -> None:
    answer = INITIALIZED[id(client)]
    caps = answer.capabilities
    assert caps.hover_provider and caps.definition_provider and caps.document_symbol_provider
    assert caps.document_formatting_provider and caps.inlay_hint_provider and caps.completion_provider
    assert caps.text_document_sync.change == lsp.TextDocumentSyncKind.Incremental
    assert answer.server_info.name == "archspec" and answer.server_info.version == archspec.__version__


async def test_open_resnet50_gives_no_diagnostics_and_every_shape(client: LanguageClient) -> None:
    uri = uri_of("resnet50.arch")
    assert await open_doc(client, uri_of("resnet50-open.arch"), RESNET) == []
    await ensure_open(client, uri, RESNET)
    net = archspec.load(SPECS / "resnet50.arch")
    got = await hints(client, uri)
    stages = {s.name: s for s in net.stages}
    # Each stage-table row: the stage's output, parameters and MACs, at the end of the row's code.
    for i, name in enumerate(["stage1", "stage2", "stage3", "stage4"]):
        line = line_of(["  64  x3 s1", "  128 x4 s2", "  256 x6 s2", "  512 x3 s2"][i])
        s = stages[name]
        h = got[line]
        assert h.label == f"{arrow(s.out)} · {cost(s.params, s.macs)}"
        assert h.position == pos(line, len(LINES[line - 1]) + 1)
        assert f"{name}: {exact(s.params, s.macs)}" in h.tooltip
    # Each layer line: the output of its last layer.
    layer_out = {layer.path: layer.out for layer in net.layers}
    assert got[line_of("  conv 64 k7 s2")].label == arrow(layer_out["stem.act1"])
    assert got[line_of("  maxpool k3 s2 p1")].label == arrow(layer_out["stem.maxpool1"])
    assert got[line_of("  flatten")].label == arrow(layer_out["head.flatten1"])
    assert got[line_of("  fc 1000")].label == arrow(layer_out["head.fc1"]) == "→ 1000"
    # Section headers: the stage's totals; the network line: the whole network's.
    assert got[line_of("stem:")].label == cost(stages["stem"].params, stages["stem"].macs)
    assert got[line_of("head:")].label == cost(stages["head"].params, stages["head"].macs)
    assert got[3].label == f"{cost(net.params, net.macs)} {arrow(net.output)}"
    assert exact(net.params, net.macs) in got[3].tooltip
    table = [stages[f"stage{i}"] for i in range(1, 5)]
    assert got[line_of("stages bottleneck(expansion=4):  # width  repeats  stride")].label == \
        f"4 stages · {cost(sum(s.params for s in table), sum(s.macs for s in table))}"
    # The hint goes before a trailing comment, after the code.
    assert got[line_of("stages bottleneck(expansion=4):  # width  repeats  stride")].position == \
        pos(line_of("stages bottleneck(expansion=4):  # width  repeats  stride"), len("stages bottleneck(expansion=4):") + 1)


async def test_hover_on_a_stage_row_an_op_and_a_block(client: LanguageClient) -> None:
    uri = uri_of("resnet50.arch")
    await ensure_open(client, uri, RESNET)
    net = archspec.load(SPECS / "resnet50.arch")
    s2 = next(s for s in net.stages if s.name == "stage2")
    text = await hover_text(client, uri, line_of("  128 x4 s2"), 3)
    assert text.startswith("**stage2** — 4 × `bottleneck`")
    assert "resolved: `expansion=4 c=128 s=2 groups=1 base_width=64 stride_on=3 shortcut=auto w=128`" in text
    assert f"**256×56×56 → {shape(s2.out)}** · {exact(s2.params, s2.macs)}" in text
    first = next(b for b in net.blocks if b.name == "stage2.0")
    assert f"- `stage2.0` → {shape(first.out)} · {exact(first.params, first.macs)}" in text
    for layer in (x for x in net.layers if x.block == "stage2.0"):  # the block's layers, every one
        assert f"| `{layer.path[len('stage2.0.'):]}` |" in text and f"| {layer.params:,} | {layer.macs:,} |" in text
    conv = next(x for x in net.layers if x.path == "stem.conv1")
    text = await hover_text(client, uri, line_of("  conv 64 k7 s2"), 4)
    assert "conv in_c=3 out_c=64 k=7 s=2 p=3 d=1 g=1 bias=false" in text
    assert f"**3×224×224 → 64×112×112** · {exact(9536, conv.macs)}" in text
    text = await hover_text(client, uri, line_of("stages bottleneck(expansion=4):  # width  repeats  stride"), 10)
    assert text.startswith("**block** `bottleneck(c, s=1, expansion=4, groups=1, base_width=64, stride_on=3, shortcut=auto)`")
    assert "prelude.arch:" in text and "1x1 reduce, 3x3, 1x1 expand to c*expansion." in text and "```arch" in text
    text = await hover_text(client, uri, line_of("  maxpool k3 s2 p1"), 14)  # on `s2`: the argument's meaning
    assert text.startswith("`s` (size): stride, in pixels")


async def test_hover_on_scaling_settings_and_variants(client: LanguageClient) -> None:
    text = "\n".join(["network scaled", "input 3x224x224", "round: divisor=8", "compound: depth=1.2 width=1.1 resolution=1.15",
                      "scale: alpha=0.5 phi=2", "", "stem:", "  conv 32 k3 s2", "", "head:", "  avgpool global", "  fc 10", ""])
    uri = uri_of("scaled.arch")
    assert await open_doc(client, uri, text) == []
    net = archspec.loads(text)
    got = await hover_text(client, uri, 5, 8)  # on `alpha`
    assert got.startswith("**scale:** — the knobs' values written in the spec")
    assert "`alpha` (number): α, the width multiplier" in got
    assert "α = 0.5 · ρ = 1 · φ = 2" in got
    assert f"→ width × {net.config.width_mult:g} · depth × {net.config.depth_mult:g} · input {shape(net.input)}" in got
    assert "widths round to multiples of 8 (min 8" in got
    hints_got = await hints(client, uri)
    assert hints_got[8].label == arrow(net.layers[2].out)  # conv 32 scaled by α and φ, rounded to 8
    eff = (SPECS / "efficientnet.arch").read_text()
    uri = uri_of("efficientnet.arch")
    assert await open_doc(client, uri, eff) == []
    line = eff.split("\n").index("  b7: width=2.0 depth=3.1 resolution=600 dropout=0.5 eps=0.001 momentum=0.01") + 1
    got = await hover_text(client, uri, line, 4)
    b7 = archspec.load("efficientnet_b7")
    assert got.startswith("**variant `b7`**") and f"input {shape(b7.input)}" in got
    assert "width × 2 · depth × 3.1" in got and "variables: `dropout=0.5 eps=0.001 momentum=0.01`" in got


async def test_completion(client: LanguageClient) -> None:
    uri = uri_of("typing.arch")
    text = "network typing\ninput 3x32x32\n\nstem:\n  conv 16 k3\n"
    await open_doc(client, uri, text)
    versions = itertools.count(2)

    async def labels(typed: str, line: int = 6) -> list[str]:
        await change_doc(client, uri, next(versions), [lsp.TextDocumentContentChangeWholeDocument(text=text + typed + "\n")])
        got = await client.text_document_completion_async(lsp.CompletionParams(
            text_document=doc(uri), position=pos(line, len(typed) + 1)))
        return [i.label for i in (got.items if isinstance(got, lsp.CompletionList) else got or [])]

    body = await labels("  ")
    assert {"conv", "maxpool", "fc", "residual", "concat", "bottleneck", "mbconv", "let"} <= set(body)
    assert set(await labels("  conv 32 act=")) == {"relu", "relu6", "silu", "swish", "sigmoid", "hardswish", "hardsigmoid",
                                                   "gelu", "tanh", "leaky_relu", "mish", "identity", "none"}
    assert await labels("  conv 32 norm=") == ["bn", "ln", "gn", "none"]
    assert await labels("  residual shortcut=") == ["auto", "projection", "zeropad", "when_same", "none"]
    args = await labels("  conv 32 k3 ")
    assert {"s", "p", "d", "g", "norm", "act", "bias"} <= set(args) and "k" not in args
    assert await labels("  bottleneck 64 ") == ["c", "s", "expansion", "groups", "base_width", "stride_on", "shortcut"]
    assert {"defaults", "round", "compound", "scale", "stages", "block"} <= set(await labels(""))
    assert await labels("defaults: ") == ["norm", "act", "norm_eps", "norm_momentum"]
    assert "resnet50" in await labels("network res") and "efficientnet_b7" in await labels("network eff")
    assert await labels("  # conv ") == []


async def test_definition_of_blocks_and_variables(client: LanguageClient) -> None:
    uri = uri_of("resnet50.arch")
    await ensure_open(client, uri, RESNET)
    line = line_of("stages bottleneck(expansion=4):  # width  repeats  stride")
    got = await client.text_document_definition_async(lsp.DefinitionParams(text_document=doc(uri), position=pos(line, 10)))
    assert isinstance(got, list) and len(got) == 1
    prelude = (ROOT / "archspec" / "prelude.arch").read_text().split("\n")
    at = next(i for i, t in enumerate(prelude, 1) if t.startswith("block bottleneck("))
    assert got[0].uri == (ROOT / "archspec" / "prelude.arch").as_uri()
    assert got[0].range == lsp.Range(start=pos(at, 7), end=pos(at, 17))
    uri = uri_of("own.arch")
    await ensure_open(client, uri, OWN)
    got = await client.text_document_definition_async(lsp.DefinitionParams(text_document=doc(uri), position=pos(10, 4)))
    assert got == [lsp.Location(uri=uri, range=lsp.Range(start=pos(5, 7), end=pos(5, 12)))]
    got = await client.text_document_definition_async(lsp.DefinitionParams(text_document=doc(uri), position=pos(10, 10)))
    assert got == [lsp.Location(uri=uri, range=lsp.Range(start=pos(3, 5), end=pos(3, 12)))]
    got = await client.text_document_definition_async(lsp.DefinitionParams(text_document=doc(uri), position=pos(6, 8)))
    assert got == [lsp.Location(uri=uri, range=lsp.Range(start=pos(5, 13), end=pos(5, 14)))]  # the parameter `c`


async def test_hover_on_a_block_call_in_a_section(client: LanguageClient) -> None:
    uri = uri_of("own.arch")  # `twice width_c` in `stem:`
    await ensure_open(client, uri, OWN)
    text = await hover_text(client, uri, 10, 4)
    net = archspec.loads(OWN)
    assert text.startswith("**twice** — block `twice(c)`, line 5")
    assert "resolved: `c=16`" in text
    assert f"**3×32×32 → 16×32×32** · {exact(net.params, net.macs)}" in text
    for layer in net.layers:  # the layers the call becomes, each with its numbers
        assert f"| `{layer.path[len('stem.twice1.'):]}` |" in text and f"| {shape(layer.out)} | {layer.params:,} | {layer.macs:,} |" in text
    text = await hover_text(client, uri, 5, 8)  # the block's own line: its definition
    assert text.startswith("**block** `twice(c)` — line 5") and "```arch\nblock twice(c):\n  conv c k3\n  conv c k3\n```" in text


async def test_document_symbols(client: LanguageClient) -> None:
    await ensure_open(client, uri_of("resnet50.arch"), RESNET)
    await ensure_open(client, uri_of("own.arch"), OWN)
    got = await client.text_document_document_symbol_async(lsp.DocumentSymbolParams(text_document=doc(uri_of("resnet50.arch"))))
    assert [s.name for s in got] == ["resnet50", "stem", "stages bottleneck", "head"]
    net = archspec.load(SPECS / "resnet50.arch")
    assert got[0].kind == lsp.SymbolKind.Module and got[0].detail == f"{exact(net.params, net.macs)} {arrow(net.output)}"
    rows = got[2].children
    assert [r.name for r in rows] == ["stage1", "stage2", "stage3", "stage4"]
    s3 = next(s for s in net.stages if s.name == "stage3")
    assert rows[2].detail == f"{arrow(s3.out)} · {exact(s3.params, s3.macs)}"
    assert rows[2].range == lsp.Range(start=pos(line_of("  256 x6 s2"), 3), end=pos(line_of("  256 x6 s2"), 12))
    got = await client.text_document_document_symbol_async(lsp.DocumentSymbolParams(text_document=doc(uri_of("own.arch"))))
    assert [(s.name, s.kind) for s in got] == [("own", lsp.SymbolKind.Module), ("twice", lsp.SymbolKind.Function),
                                               ("stem", lsp.SymbolKind.Namespace)]
    assert got[1].detail == "twice(c)"


async def test_formatting_is_archspec_fmt(client: LanguageClient) -> None:
    from archspec.fmt import fmt

    messy = "network messy\ninput 3x32x32\nstem:\n    conv 16 k3   act=relu\n    fc   10\n"
    uri = uri_of("messy.arch")
    assert await open_doc(client, uri, messy) == []
    got = await client.text_document_formatting_async(lsp.DocumentFormattingParams(
        text_document=doc(uri), options=lsp.FormattingOptions(tab_size=2, insert_spaces=True)))
    assert got is not None and len(got) == 1
    assert got[0].new_text == fmt(messy) and got[0].range == lsp.Range(start=pos(1, 1), end=pos(6, 1))
    await ensure_open(client, uri_of("resnet50.arch"), RESNET)
    got = await client.text_document_formatting_async(lsp.DocumentFormattingParams(
        text_document=doc(uri_of("resnet50.arch")), options=lsp.FormattingOptions(tab_size=2, insert_spaces=True)))
    assert got is not None and not got  # the zoo is canonical already: no edit


async def test_typing_a_typo_and_fixing_it(client: LanguageClient) -> None:
    uri = uri_of("typo.arch")
    assert await open_doc(client, uri, RESNET) == []
    line = line_of("  conv 64 k7 s2")
    # `act=rleu` typed at the end of the stem conv: an incremental change
    at = lsp.Range(start=pos(line, 16), end=pos(line, 16))
    diags = await change_doc(client, uri, 2, [lsp.TextDocumentContentChangePartial(range=at, text=" act=rleu")])
    assert len(diags) == 1
    d = diags[0]
    assert d.range == lsp.Range(start=pos(line, 17), end=pos(line, 25)) and d.severity == lsp.DiagnosticSeverity.Error
    assert d.message == "unknown activation `rleu`\nhint: did you mean `relu`?" and d.source == "archspec"
    got = await hints(client, uri)
    assert line not in got  # the broken statement has no shape
    fixed = lsp.Range(start=pos(line, 21), end=pos(line, 25))
    assert await change_doc(client, uri, 3, [lsp.TextDocumentContentChangePartial(range=fixed, text="relu")]) == []
    assert (await hints(client, uri))[line].label == "→ 64×112×112"
