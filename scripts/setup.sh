#!/usr/bin/env bash
# Set up archspec in ./.venv: system packages (as root), PyTorch, and archspec with every extra.
#   bash scripts/setup.sh          # archspec[all]: compile, ONNX, the explorer, the docs extensions
#   bash scripts/setup.sh --test   # plus the test dependencies (pytest, the counting tools, a browser,
#                                  # and the VS Code extension's npm packages)
# (A user who only wants the numbers and DOT diagrams needs none of this: `pip install archspec`.)
# Each step says what it installs and how big it is; a long one says every SETUP_TICK seconds (15)
# that it is still at it and how big .venv has grown.
set -euo pipefail
cd "$(dirname "$0")/.."
test_deps=0
[ "${1:-}" = "--test" ] && test_deps=1
extras=all
[ "$test_deps" = 1 ] && extras=all,test
tick=${SETUP_TICK:-15}
start=$SECONDS
say() { printf 'setup [%3ss]: %s\n' "$((SECONDS - start))" "$*"; }
venv_size() { du -sh .venv 2>/dev/null | cut -f1; }

# Run a command in the background and say every $tick seconds that it is still running ("still
# $1"), with the size of .venv; return its exit status (set -e stops the script when it fails).
step() {
  local what=$1 began=$SECONDS next=$((SECONDS + tick)) pid
  shift
  "$@" &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    sleep 1
    if [ "$SECONDS" -ge "$next" ] && kill -0 "$pid" 2>/dev/null; then
      say "      … still $what ($((SECONDS - began)) s so far; .venv is $(venv_size))"
      next=$((next + tick))
    fi
  done
  wait "$pid"
  say "      done in $((SECONDS - began)) s; .venv is $(venv_size)"
}
apt_install() { apt-get install -y -qq --no-install-recommends "$@" >/dev/null; }

# Graphviz's `dot` draws the diagrams; Chromium drives the explorer's browser tests.
want=()
command -v dot >/dev/null 2>&1 || want+=(graphviz)
[ "$test_deps" = 1 ] && { command -v chromium >/dev/null 2>&1 || want+=(chromium); }
if [ "${#want[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    say "1/4 system packages with apt-get: ${want[*]} (Graphviz ~20 MB, Chromium ~300 MB, with their libraries)"
    export DEBIAN_FRONTEND=noninteractive
    say "      apt-get update"
    apt-get update -qq
    say "      apt-get install ${want[*]} fonts-dejavu-core"
    step "installing ${want[*]}" apt_install "${want[@]}" fonts-dejavu-core
  else
    echo "setup: please install ${want[*]} (e.g. sudo apt-get install ${want[*]}); continuing without" >&2
  fi
else
  say "1/4 system packages: graphviz$([ "$test_deps" = 1 ] && echo ' and chromium') already installed"
fi

if [ ! -x .venv/bin/python ]; then
  say "creating .venv with $(python3 --version 2>&1)"
  python3 -m venv .venv
else
  say "using the existing .venv ($(venv_size))"
fi
# torch and torchvision are pinned as a pair: torchvision's wheels only import beside the torch
# they were built for, and this pair is the one the machines here carry locally.
say "2/4 PyTorch 2.14.1 + torchvision 0.29.1 with pip (~5.5 GB installed with the CUDA libraries on x86_64;"
say "      a minute or two the first time, seconds when they are already installed)"
step "installing PyTorch" .venv/bin/pip install -q --disable-pip-version-check torch==2.14.1 torchvision==0.29.1
if [ "$test_deps" = 1 ]; then
  brings="ONNX + onnxruntime, Streamlit (pandas, altair), Sphinx + MkDocs, pygls; pytest, Playwright, pytest-lsp, fvcore, torchinfo, ptflops, thop, calflops, timm, scikit-learn"
else
  brings="ONNX + onnxruntime, Streamlit (pandas, altair), Sphinx + MkDocs, pygls"
fi
say "3/4 archspec (editable) with the extras [$extras], up to ~1 GB more:"
say "      $brings"
step "installing archspec's extras" .venv/bin/pip install -q --disable-pip-version-check -e ".[$extras]"
if [ "$test_deps" = 1 ] && [ -f editors/vscode/package-lock.json ]; then
  if command -v npm >/dev/null 2>&1; then
    say "      the VS Code extension's npm packages (vsce, vscode-tmgrammar-test, the LSP client; ~40 MB)"
    step "installing the npm packages" bash scripts/editors.sh
  else
    echo "setup: npm is not installed: the VS Code extension's tests (tests/editors) need Node 20 and npm" >&2
  fi
fi
say "4/4 checking the install: import archspec, torch and streamlit"
.venv/bin/python -c "import archspec, torch, streamlit" # fail loudly if the install did not work
say "done: .venv holds $(venv_size); archspec $(.venv/bin/archspec --version | cut -d' ' -f2)"
