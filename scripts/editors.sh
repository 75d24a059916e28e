#!/usr/bin/env bash
# The VS Code extension's npm packages, into editors/vscode/node_modules (~40 MB): vscode-languageclient
# (which the extension ships), @vscode/vsce (which packages it as a .vsix) and vscode-tmgrammar-test
# (which checks its TextMate grammar over the zoo). Exact versions, from package-lock.json.
# `bash scripts/setup.sh --test` runs it when npm is installed; the tests in tests/editors need it.
set -euo pipefail
cd "$(dirname "$0")/../editors/vscode"
npm ci --no-audit --no-fund --loglevel=error
