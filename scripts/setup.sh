#!/usr/bin/env bash
# Set up archspec in ./.venv: system packages (as root), PyTorch, and archspec itself.
#   bash scripts/setup.sh          # what `archspec compile` needs
#   bash scripts/setup.sh --test   # plus the test dependencies (torchvision, fvcore, pytest, browser)
set -euo pipefail
cd "$(dirname "$0")/.."
test_deps=0
[ "${1:-}" = "--test" ] && test_deps=1

# Graphviz's `dot` draws the diagrams; Chromium drives the explorer's browser test.
want=()
command -v dot >/dev/null 2>&1 || want+=(graphviz)
[ "$test_deps" = 1 ] && { command -v chromium >/dev/null 2>&1 || want+=(chromium); }
if [ "${#want[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${want[@]}" fonts-dejavu-core >/dev/null
  else
    echo "setup: please install ${want[*]} (e.g. sudo apt-get install ${want[*]}); continuing without" >&2
  fi
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
# torch and torchvision are pinned as a pair: torchvision's wheels only import beside the torch
# they were built for, and this pair is the one the machines here carry locally.
.venv/bin/pip install -q --disable-pip-version-check torch==2.14.1 torchvision==0.29.1
if [ "$test_deps" = 1 ]; then
  .venv/bin/pip install -q --disable-pip-version-check -e ".[test]"
else
  .venv/bin/pip install -q --disable-pip-version-check -e .
fi
.venv/bin/python -c "import archspec, torch" # fail loudly if the install did not work
