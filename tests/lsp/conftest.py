"""A real `archspec lsp` process, driven over stdio by pytest-lsp's client as an editor would."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

ROOT = Path(__file__).resolve().parents[2]
SPECS = ROOT / "specs"
SERVER = [sys.executable, "-m", "archspec", "lsp"]
INITIALIZED: dict[int, lsp.InitializeResult] = {}  # each client's answer to `initialize`
OPENED: dict[int, set[str]] = {}  # the documents each client has opened and left unchanged


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER), scope="module", loop_scope="module")
async def client(lsp_client: LanguageClient):
    """One server for a test module, initialised as VS Code initialises it."""
    INITIALIZED[id(lsp_client)] = await lsp_client.initialize_session(lsp.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"), root_uri=ROOT.as_uri()))
    yield
    await lsp_client.shutdown_session()


async def open_doc(client: LanguageClient, uri: str, text: str, version: int = 1) -> list[lsp.Diagnostic]:
    """Open a document and wait for the diagnostics of this version."""
    client.text_document_did_open(lsp.DidOpenTextDocumentParams(
        text_document=lsp.TextDocumentItem(uri=uri, language_id="archspec", version=version, text=text)))
    return await diagnostics_of(client, uri, version)


async def change_doc(client: LanguageClient, uri: str, version: int,
                     changes: list[lsp.TextDocumentContentChangeEvent]) -> list[lsp.Diagnostic]:
    """Send a change and wait for the diagnostics of the new version."""
    client.text_document_did_change(lsp.DidChangeTextDocumentParams(
        text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version), content_changes=changes))
    return await diagnostics_of(client, uri, version)


async def diagnostics_of(client: LanguageClient, uri: str, version: int, timeout: float = 120) -> list[lsp.Diagnostic]:
    """The diagnostics the server publishes for ``version`` of ``uri`` (a failure, not a hang, if none come)."""

    async def wait() -> list[lsp.Diagnostic]:
        while True:
            params = await client.wait_for_notification(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
            if params.uri == uri and params.version == version:
                return list(params.diagnostics)

    return await asyncio.wait_for(wait(), timeout)


async def ensure_open(client: LanguageClient, uri: str, text: str) -> None:
    """Open a document in this client's server unless a test before (on this worker) did: each test
    says what it needs, whichever pytest-xdist worker runs it."""
    opened = OPENED.setdefault(id(client), set())
    if uri not in opened:
        await open_doc(client, uri, text)
        opened.add(uri)


def uri_of(name: str) -> str:
    """A document URI in the test folder (the file need not exist)."""
    return (ROOT / "tests" / "lsp" / name).as_uri()
