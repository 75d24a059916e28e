"""How long a keystroke on EfficientNet-B7's spec takes `archspec lsp` to answer with fresh diagnostics
and inlay hints, beside a whole `archspec check` of the same spec.

    .venv/bin/python -m bench.lsp [--repeat N] [--spec specs/efficientnet.arch] [--variant b7]

A real server process is driven over stdio by pygls's client, as an editor drives it: open the spec,
then each keystroke is one incremental change (a digit of `fc 1000`), after which the client waits
for the diagnostics of that version and asks for the inlay hints of the whole document. Reported:

- keystroke → diagnostics + hints, as the client sees it (the server's time plus the pipe's);
- the analysis alone, as the server's worker thread timed it (``archspec.timings``);
- `archspec check SPEC:VARIANT`, a whole process, and the ratio of the keystroke to it.

Medians of ``--repeat`` keystrokes (and of as many `check` runs, taken in turn with them).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import time
from pathlib import Path

from lsprotocol import types as lsp
from pygls.lsp.client import LanguageClient

ROOT = Path(__file__).resolve().parent.parent


async def keystrokes(spec: Path, variant: str, repeat: int) -> tuple[list[float], list[float]]:
    """Seconds per keystroke (client-observed) and milliseconds of analysis per version (server-timed)."""
    client = LanguageClient("bench", "1")
    published: dict[int, asyncio.Event] = {}

    @client.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def _diagnostics(params: lsp.PublishDiagnosticsParams) -> None:
        published.setdefault(params.version or 0, asyncio.Event()).set()

    await client.start_io(sys.executable, "-m", "archspec", "lsp")
    await client.initialize_async(lsp.InitializeParams(capabilities=lsp.ClientCapabilities(),
                                                       initialization_options={"variant": variant}))
    client.initialized(lsp.InitializedParams())
    uri = spec.resolve().as_uri()
    text = spec.read_text()
    lines = text.split("\n")
    line = next(i for i, t in enumerate(lines) if t.strip().startswith("fc "))
    col = len(lines[line])
    whole = lsp.Range(start=lsp.Position(line=0, character=0), end=lsp.Position(line=len(lines), character=0))
    client.text_document_did_open(lsp.DidOpenTextDocumentParams(
        text_document=lsp.TextDocumentItem(uri=uri, language_id="archspec", version=1, text=text)))
    await published.setdefault(1, asyncio.Event()).wait()
    seconds = []
    for i in range(repeat):
        version = i + 2
        # Each keystroke adds a digit and, every other one, takes it away: the text alternates
        # between `fc 10000` and `fc 1000`, each a version the server has not analysed before.
        change = (lsp.TextDocumentContentChangePartial(range=lsp.Range(start=lsp.Position(line=line, character=col),
                                                                       end=lsp.Position(line=line, character=col)), text="0")
                  if i % 2 == 0 else
                  lsp.TextDocumentContentChangePartial(range=lsp.Range(start=lsp.Position(line=line, character=col),
                                                                       end=lsp.Position(line=line, character=col + 1)), text=""))
        done = published.setdefault(version, asyncio.Event())
        t0 = time.perf_counter()
        client.text_document_did_change(lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version), content_changes=[change]))
        await done.wait()
        hints = await client.text_document_inlay_hint_async(lsp.InlayHintParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri), range=whole))
        seconds.append(time.perf_counter() - t0)
        if not hints:
            raise RuntimeError("the server gave no inlay hints")
    timings = await client.workspace_execute_command_async(lsp.ExecuteCommandParams(command="archspec.timings"))
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return seconds, list(timings[uri])[1:]


def check_seconds(spec: Path, variant: str, repeat: int) -> list[float]:
    """Seconds per `archspec check SPEC:VARIANT` process."""
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "archspec", "check", f"{spec}:{variant}"], check=True, capture_output=True)
        out.append(time.perf_counter() - t0)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--spec", type=Path, default=ROOT / "specs" / "efficientnet.arch")
    ap.add_argument("--variant", default="b7")
    args = ap.parse_args()
    check = check_seconds(args.spec, args.variant, max(3, args.repeat // 4))
    keys, analysis = asyncio.run(keystrokes(args.spec, args.variant, args.repeat))
    check += check_seconds(args.spec, args.variant, max(3, args.repeat // 4))
    key, whole = statistics.median(keys), statistics.median(check)
    print(f"{args.spec.name}:{args.variant}, {len(keys)} keystrokes, medians:")
    print(f"  keystroke → diagnostics + inlay hints (client-observed): {key * 1000:.1f} ms")
    print(f"  of which the analysis on the server's worker:             {statistics.median(analysis):.1f} ms")
    print(f"  `archspec check` (a whole process):                       {whole * 1000:.1f} ms")
    print(f"  ratio keystroke / check:                                  {key / whole:.3f}")


if __name__ == "__main__":
    main()
