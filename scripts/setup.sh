#!/usr/bin/env bash
# Set up archspec in ./.venv: system packages (as root), PyTorch, and archspec with every extra.
#   bash scripts/setup.sh          # archspec[all]: compile, ONNX, the explorer
#   bash scripts/setup.sh --test   # plus the test dependencies (pytest, the counting tools, a browser)
# (A user who only wants the numbers and DOT diagrams needs none of this: `pip install archspec`.)
set -euo pipefail
cd "$(dirname "$0")/.."
test_deps=0
[ "${1:-}" = "--test" ] && test_deps=1
extras=all
[ "$test_deps" = 1 ] && extras=all,test
start=$SECONDS
say() { printf 'setup [%3ss]: %s\n' "$((SECONDS - start))" "$*"; }

# Graphviz's `dot` draws the diagrams; Chromium drives the explorer's browser tests.
want=()
command -v dot >/dev/null 2>&1 || want+=(graphviz)
[ "$test_deps" = 1 ] && { command -v chromium >/dev/null 2>&1 || want+=(chromium); }
if [ "${#want[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    say "1/4 system packages: ${want[*]} (apt-get; Chromium is ~300 MB)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${want[@]}" fonts-dejavu-core >/dev/null
  else
    echo "setup: please install ${want[*]} (e.g. sudo apt-get install ${want[*]}); continuing without" >&2
  fi
else
  say "1/4 system packages: graphviz$([ "$test_deps" = 1 ] && echo ' and chromium') already installed"
fi

if [ ! -x .venv/bin/python ]; then
  say "creating .venv"
  python3 -m venv .venv
fi
# torch and torchvision are pinned as a pair: torchvision's wheels only import beside the torch
# they were built for, and this pair is the one the machines here carry locally.
say "2/4 PyTorch 2.14.1 + torchvision 0.29.1 (~5.5 GB installed with CUDA libraries on x86_64; a minute or more the first time)"
.venv/bin/pip install -q --disable-pip-version-check torch==2.14.1 torchvision==0.29.1
say "3/4 archspec (editable) with the extras [$extras]"
.venv/bin/pip install -q --disable-pip-version-check -e ".[$extras]"
say "4/4 checking the install"
.venv/bin/python -c "import archspec, torch, streamlit" # fail loudly if the install did not work
say "done: .venv holds $(du -sh .venv 2>/dev/null | cut -f1); archspec $(.venv/bin/archspec --version | cut -d' ' -f2)"
