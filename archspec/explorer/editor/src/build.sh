#!/usr/bin/env bash
# Bundle the spec editor (main.js + CodeMirror 6) into ../frontend/editor.js, one self-contained file
# the explorer serves itself: nothing is fetched from the network when the page runs.
#   cd archspec/explorer/editor/src && bash build.sh        # needs Node.js and npm (once, at build time)
# The first line of the bundle records the hash of main.js and package-lock.json; a test checks it,
# so an edit to main.js without a rebuild fails the suite.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --ignore-scripts >/dev/null
node node_modules/esbuild/install.js >/dev/null 2>&1 || true  # esbuild's binary (install scripts are off above)
hash=$(cat main.js package-lock.json | sha256sum | cut -c1-16)
out=../frontend/editor.js
{
  echo "/* archspec spec editor, built by src/build.sh from main.js and package-lock.json (source $hash). CodeMirror: MIT, see THIRD_PARTY.txt */"
  npx esbuild main.js --bundle --minify --format=iife --target=es2020 --legal-comments=none --log-level=warning
} > "$out.tmp"
mv "$out.tmp" "$out"
# What the bundle holds, and CodeMirror's license (every package in it is MIT).
node -e '
const lock = require("./package-lock.json").packages;
const names = Object.keys(lock).filter((k) => k.startsWith("node_modules/") && !lock[k].dev).sort();
console.log("The spec editor bundle (editor.js) holds these packages from npm:");
for (const k of names) console.log(`  ${k.slice(13)} ${lock[k].version} (${lock[k].license})`);
' > ../frontend/THIRD_PARTY.txt
{ echo; cat node_modules/@codemirror/view/LICENSE; } >> ../frontend/THIRD_PARTY.txt
echo "wrote $out ($(wc -c < "$out") bytes, source $hash)"
