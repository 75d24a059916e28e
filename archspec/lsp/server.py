"""``archspec lsp``: the language server, over stdio, built on pygls.

Every open document is analysed again at each change, on a worker thread, so the server keeps
answering while a large or hostile document is analysed (under the command line's budgets); a newer
version cancels the analysis of an older one. Requests that need the analysis (hints, hover, symbols,
definition) wait for the current version's for up to ``WAIT`` seconds, then answer from the last one.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer

from archspec import __version__
from archspec.errors import SpecError
from archspec.lsp import completion, definition, diagnostics, hints, hover, symbols
from archspec.lsp.options import read_options
from archspec.lsp.positions import Lines
from archspec.lsp.snapshot import Cancelled, Options, Snapshot, analyse

WAIT = 2.0  # seconds a request waits for the current version's analysis


@dataclass
class Doc:
    """What the server knows of one open document."""

    generation: int = 0
    latest: Snapshot | None = None  # the newest analysed version
    graphed: Snapshot | None = None  # the newest version that lowered, in part at least (for carried hints)
    parsed: Snapshot | None = None  # the newest version that parsed (for completion's blocks and variables)
    ready: asyncio.Future[None] | None = None  # resolved when the newest version's analysis is done
    stale: bool = False  # a request was answered from an older version: ask the client to refresh
    timings: deque[float] = field(default_factory=lambda: deque(maxlen=1000))  # ms per analysis (the last 1,000)


class ArchspecServer(LanguageServer):
    """The archspec language server: diagnostics, inlay hints, hover, completion, definition, symbols
    and formatting for ``.arch`` documents."""

    def __init__(self) -> None:
        super().__init__("archspec", __version__, text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental)
        self.options = Options()
        self.docs: dict[str, Doc] = {}
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="archspec-analysis")

    # ---- analysis -------------------------------------------------------------------------------

    def lines(self, text: str) -> Lines:
        return Lines(text, self.workspace.position_encoding)

    async def refresh(self, uri: str) -> None:
        """Analyse the document's current text and publish its diagnostics."""
        doc = self.docs.setdefault(uri, Doc())
        doc.generation += 1
        gen = doc.generation
        loop = asyncio.get_running_loop()
        ready = doc.ready = loop.create_future()
        text_doc = self.workspace.get_text_document(uri)
        text, version, options = text_doc.source, text_doc.version, self.options

        def work() -> Snapshot | None:
            started = time.perf_counter()
            try:
                snap = analyse(text, _file(uri), version, options, lambda: doc.generation != gen)
            except Cancelled:
                return None
            except Exception as exc:  # a bug in archspec: said at the top of the document, never a crash
                snap = Snapshot(text, _file(uri), version)
                snap.error = SpecError(f"internal error in archspec: {type(exc).__name__}: {exc}")
            doc.timings.append((time.perf_counter() - started) * 1000)
            return snap

        try:
            snap = await loop.run_in_executor(self.worker, work)
            if snap is None or doc.generation != gen or self.docs.get(uri) is not doc:
                return
            doc.latest = snap
            if snap.spec is not None:
                doc.parsed = snap
            if snap.graph is not None:
                doc.graphed = snap
            lines = self.lines(text)
            self.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(
                uri=uri, version=version, diagnostics=diagnostics.diagnostics(snap, lines)))
            if doc.stale and _can_refresh(self):
                doc.stale = False
                self.workspace_inlay_hint_refresh(None)
        finally:
            if not ready.done():
                ready.set_result(None)

    async def current(self, uri: str) -> Doc | None:
        """The document, its newest version analysed if that takes at most WAIT seconds."""
        doc = self.docs.get(uri)
        if doc is None:
            return None
        if doc.ready is not None and not doc.ready.done():
            try:
                await asyncio.wait_for(asyncio.shield(doc.ready), WAIT)
            except TimeoutError:
                doc.stale = True
        return doc if doc.latest is not None else None


def _file(uri: str) -> str:
    """The document's file name, as errors name it."""
    parsed = urlparse(uri)
    return Path(unquote(parsed.path)).name if parsed.scheme == "file" else uri


def _can_refresh(ls: LanguageServer) -> bool:
    ws = ls.client_capabilities.workspace
    return bool(ws and ws.inlay_hint and ws.inlay_hint.refresh_support)


server = ArchspecServer()


@server.feature(lsp.INITIALIZE)
def _initialize(ls: ArchspecServer, params: lsp.InitializeParams) -> None:
    ls.options = read_options(params.initialization_options, ls.options)


@server.feature(lsp.WORKSPACE_DID_CHANGE_CONFIGURATION)
async def _configure(ls: ArchspecServer, params: lsp.DidChangeConfigurationParams) -> None:
    settings: Any = params.settings
    if isinstance(settings, dict) and isinstance(settings.get("archspec"), dict):
        ls.options = read_options(settings["archspec"], ls.options)
        await asyncio.gather(*(ls.refresh(uri) for uri in list(ls.docs)))


@server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
async def _open(ls: ArchspecServer, params: lsp.DidOpenTextDocumentParams) -> None:
    await ls.refresh(params.text_document.uri)


@server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
async def _change(ls: ArchspecServer, params: lsp.DidChangeTextDocumentParams) -> None:
    await ls.refresh(params.text_document.uri)


@server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
def _close(ls: ArchspecServer, params: lsp.DidCloseTextDocumentParams) -> None:
    doc = ls.docs.pop(params.text_document.uri, None)
    if doc is not None:
        doc.generation += 1  # cancels an analysis in progress
    ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[]))


@server.feature(lsp.TEXT_DOCUMENT_INLAY_HINT, lsp.InlayHintOptions(resolve_provider=False))
async def _inlay_hints(ls: ArchspecServer, params: lsp.InlayHintParams) -> list[lsp.InlayHint]:
    doc = await ls.current(params.text_document.uri)
    if doc is None or doc.latest is None:
        return []
    snap = doc.latest
    return hints.inlay_hints(snap, doc.graphed, ls.lines(snap.text), params.range.start.line + 1, params.range.end.line + 1)


@server.feature(lsp.TEXT_DOCUMENT_HOVER)
async def _hover(ls: ArchspecServer, params: lsp.HoverParams) -> lsp.Hover | None:
    doc = await ls.current(params.text_document.uri)
    if doc is None or doc.latest is None:
        return None
    return hover.hover(doc.latest, ls.lines(doc.latest.text), params.position)


@server.feature(lsp.TEXT_DOCUMENT_COMPLETION, lsp.CompletionOptions(trigger_characters=[" ", "="]))
def _complete(ls: ArchspecServer, params: lsp.CompletionParams) -> lsp.CompletionList:
    doc = ls.docs.get(params.text_document.uri)
    text = ls.workspace.get_text_document(params.text_document.uri).source  # the text as typed, not as analysed
    snap = (doc.parsed if doc else None) or Snapshot(text, _file(params.text_document.uri))
    items = completion.complete(snap, ls.lines(text), params.position)
    return lsp.CompletionList(is_incomplete=False, items=items)


@server.feature(lsp.TEXT_DOCUMENT_DEFINITION)
async def _definition(ls: ArchspecServer, params: lsp.DefinitionParams) -> list[lsp.Location]:
    doc = await ls.current(params.text_document.uri)
    snap = (doc.parsed if doc else None)
    if snap is None:
        return []
    return definition.definition(snap, params.text_document.uri, ls.lines(snap.text), params.position)


@server.feature(lsp.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
async def _symbols(ls: ArchspecServer, params: lsp.DocumentSymbolParams) -> list[lsp.DocumentSymbol]:
    doc = await ls.current(params.text_document.uri)
    snap = (doc.parsed if doc else None)
    return symbols.symbols(snap, ls.lines(snap.text)) if snap is not None else []


@server.feature(lsp.TEXT_DOCUMENT_FORMATTING)
def _format(ls: ArchspecServer, params: lsp.DocumentFormattingParams) -> list[lsp.TextEdit] | None:
    from archspec.fmt import fmt

    text = ls.workspace.get_text_document(params.text_document.uri).source
    try:
        formatted = fmt(text, _file(params.text_document.uri))
    except SpecError:
        return None  # a spec that does not parse has no canonical form; its diagnostic says why
    if formatted == text:
        return []
    return [lsp.TextEdit(range=ls.lines(text).whole(), new_text=formatted)]


@server.command("archspec.timings")
def _timings(ls: ArchspecServer, *args: Any) -> dict[str, list[float]]:
    """Milliseconds each analysis of each document took, on the worker thread (for bench/lsp.py)."""
    return {uri: list(doc.timings) for uri, doc in ls.docs.items()}


def main() -> None:
    """Serve over stdin and stdout until the client says exit."""
    server.start_io()
