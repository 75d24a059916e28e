// The archspec extension: highlighting (syntaxes/), brackets and indentation
// (language-configuration.json), and the language server, `archspec lsp`, started over stdio.
"use strict";

const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

/** The server's options from the `archspec.*` settings (see `archspec lsp --help`). */
function options() {
  const config = vscode.workspace.getConfiguration("archspec");
  return {
    variant: config.get("variant") || null,
    set: config.get("set") || {},
    budget: config.get("budget") || {},
  };
}

function activate(context) {
  const [command, ...args] = vscode.workspace.getConfiguration("archspec").get("server.command") || ["archspec", "lsp"];
  const server = { command, args, transport: TransportKind.stdio };
  client = new LanguageClient(
    "archspec",
    "archspec",
    { run: server, debug: server },
    {
      documentSelector: [{ language: "archspec" }],
      initializationOptions: options(),
      synchronize: { configurationSection: "archspec" },
    },
  );
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration("archspec.server.command")) {
        vscode.window.showInformationMessage("archspec: reload the window to restart the language server.");
      }
    }),
  );
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
