"""The end of a session: `shutdown` then `exit`, and the server process ends with status 0."""

from __future__ import annotations

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from tests.lsp.conftest import SERVER, SPECS, open_doc, uri_of


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER))
async def fresh(lsp_client: LanguageClient):
    await lsp_client.initialize_session(lsp.InitializeParams(capabilities=client_capabilities("neovim")))
    yield


@pytest.mark.asyncio
async def test_shutdown_then_exit_ends_the_server(fresh: LanguageClient) -> None:
    assert await open_doc(fresh, uri_of("resnet50.arch"), (SPECS / "resnet50.arch").read_text()) == []
    await fresh.shutdown_session()
    assert fresh._server is not None and fresh._server.returncode == 0
