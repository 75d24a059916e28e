"""Broken and hostile documents through a real `archspec lsp` process: every error is the command line's,
at the range its carets underline, with its hint; what was lowered before an error keeps its hints; a
huge document never keeps the server from answering, and a newer version cancels an older analysis."""

from __future__ import annotations

import asyncio
import re

import pytest
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

import archspec
from archspec.errors import SpecError
from archspec.lsp.text import arrow
from tests.lsp.conftest import SPECS, change_doc, open_doc, uri_of

pytestmark = pytest.mark.asyncio(loop_scope="module")

HEAD = "network broken\ninput 3x32x32\n\n"
BROKEN = {
    "typo": HEAD + "stem:\n  conv 16 k3 act=rleu\n",
    "unknown_op": HEAD + "stem:\n  cnov 16 k3\n",
    "no_kernel": HEAD + "stem:\n  conv 16\n",
    "twice": HEAD + "stem:\n  conv 16 k3 kernel=5\n",
    "flag": HEAD + "stem:\n  maxpool k3 s2 ciel\n",
    "undefined": HEAD + "let base = 16\n\nstem:\n  conv bsae k3\n",
    "groups": HEAD + "stem:\n  conv 16 k3 groups=3\n",
    "too_small": "network t\ninput 3x8x8\n\nstem:\n  conv 16 k3 s2\n  conv 32 k3 s2\n  conv 64 k7 p0\n",
    "residual_size": HEAD + "stem:\n  conv 16 k3\n  residual:\n    conv 16 k3 p0\n",
    "no_width": "network n\ninput 3x64x64\n\nstem:\n  conv 64 k7 s2\n\nstages bottleneck:\n  x3 s1\n",
    "short_name": HEAD + "let c1 = 64\n\nstem:\n  conv c1 k3\n",
    "setting": HEAD + "default: act=silu\n\nstem:\n  conv 16 k3\n",
    "variant_key": HEAD + "variants:\n  half: widht=0.5\n\nstem:\n  conv 16 k3\n",
    "indent": HEAD + "stem:\n    conv 16 k3\n  conv 32 k3\n",
    "syntax": HEAD + "stem:\n  conv 16 k3 @\n",
    "no_body": HEAD + "stem:\n",
    "unknown_block": HEAD + "stages bottlenek:\n  64 x3 s1\n",
    "in_the_prelude": HEAD + "stem:\n  conv 16 k3\n\nstages bottleneck:\n  64 x1 s1 groups=0\n",
    "budget": HEAD + "stem:\n  repeat 10**7:\n    conv 8 k1\n",
    "outside_bmp": 'network wide "🙂 ok" 12\ninput 3x32x32\n',
    "greek": HEAD + "let βeta = 1\n\nstem:\n  conv 16 k3 s=βeta act=rleu\n",
}


def cli_range(err: SpecError) -> tuple[int, int, int]:
    """(line, first column, width) of the carets `archspec check` prints under the culprit."""
    report = err.format().split("\n")
    carets = next(line for line in report if re.fullmatch(r"\s+\| +\^+", line))
    start = carets.index("^") - len("       | ")
    return err.line, start + 1, carets.count("^")


def utf16(text: str, line: int, col: int) -> int:
    """The UTF-16 column of 1-based character column ``col`` of ``line``."""
    return len(text.split("\n")[line - 1][: col - 1].encode("utf-16-le")) // 2


@pytest.mark.parametrize("name", sorted(BROKEN))
async def test_every_error_is_the_commands_at_its_carets(client: LanguageClient, name: str) -> None:
    text = BROKEN[name]
    with pytest.raises(SpecError) as caught:
        archspec.loads(text, f"{name}.arch")
    err = caught.value
    diags = [d for d in await open_doc(client, uri_of(f"{name}.arch"), text) if d.severity == lsp.DiagnosticSeverity.Error]
    assert len(diags) == 1, diags
    d = diags[0]
    line, col, width = cli_range(err)
    start = utf16(text, line, col)
    assert d.range == lsp.Range(start=lsp.Position(line=line - 1, character=start),
                                end=lsp.Position(line=line - 1, character=utf16(text, line, col + width)))
    assert d.message == err.message + (f"\nhint: {err.hint}" if err.hint else "")
    assert d.code == ("budget" if name == "budget" else "error")


async def test_the_layers_before_an_error_keep_their_hints(client: LanguageClient) -> None:
    good = (SPECS / "resnet50.arch").read_text()
    broken = good.replace("  256 x6 s2", "  256 x6 s2 groups=0")  # no channels: stage3 fails
    uri = uri_of("partial.arch")
    diags = await open_doc(client, uri, broken)
    assert [d.range.start.line + 1 for d in diags] == [13]
    got = await client.text_document_inlay_hint_async(lsp.InlayHintParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri), range=lsp.Range(start=lsp.Position(line=0, character=0),
                                                                             end=lsp.Position(line=40, character=0))))
    by_line = {h.position.line + 1: h.label for h in got}
    net = archspec.load(SPECS / "resnet50.arch")
    s2 = next(s for s in net.stages if s.name == "stage2")
    assert by_line[12].startswith(arrow(s2.out))  # stage2 lowered in full before the error
    assert 13 not in by_line and 14 not in by_line and 3 not in by_line  # the failed stage, what follows, the total
    # A version that does not parse keeps the last good hints on the lines it did not change.
    edit = lsp.TextDocumentContentChangePartial(range=lsp.Range(start=lsp.Position(line=12, character=0),
                                                                end=lsp.Position(line=12, character=0)), text="  @@@\n")
    diags = await change_doc(client, uri, 2, [edit])
    assert diags and diags[0].message.startswith("unexpected character `@`")
    got = await client.text_document_inlay_hint_async(lsp.InlayHintParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri), range=lsp.Range(start=lsp.Position(line=0, character=0),
                                                                             end=lsp.Position(line=40, character=0))))
    assert {h.position.line + 1: h.label for h in got}[12] == by_line[12]


async def test_a_huge_document_never_blocks_the_server(client: LanguageClient) -> None:
    resnet = uri_of("resnet_beside.arch")
    await open_doc(client, resnet, (SPECS / "resnet50.arch").read_text())
    huge = HEAD + "stem:\n  repeat 33000:\n    conv 8 k1\n"  # 99,000 layers: about a second of lowering, within the budget
    uri = uri_of("huge.arch")
    client.text_document_did_open(lsp.DidOpenTextDocumentParams(
        text_document=lsp.TextDocumentItem(uri=uri, language_id="archspec", version=1, text=huge)))
    published: list[int] = []

    async def watch() -> None:
        while True:
            params = await client.wait_for_notification(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
            if params.uri == uri:
                published.append(params.version)
                if params.version == 2:
                    return

    watching = asyncio.ensure_future(watch())
    await asyncio.sleep(0)
    got = await client.text_document_hover_async(lsp.HoverParams(
        text_document=lsp.TextDocumentIdentifier(uri=resnet), position=lsp.Position(line=11, character=3)))
    assert got is not None and "**stage2**" in got.contents.value and published == []  # answered while it works
    # A new version arrives: the old analysis is dropped, its diagnostics never published.
    client.text_document_did_change(lsp.DidChangeTextDocumentParams(
        text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=2),
        content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=HEAD + "stem:\n  conv 8 k1\n")]))
    await asyncio.wait_for(watching, 60)
    assert published == [2]
