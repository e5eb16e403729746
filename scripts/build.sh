#!/usr/bin/env bash
# `npm run build`: compiles into a copy of dist/ and swaps it in whole, so that a service or test
# starting meanwhile (or a second build running beside this one) never sees dist/ half-written.
# The copy keeps tsc's incremental state, so a rebuild compiles only what changed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
tmp="$(mktemp -d .dist-build.XXXXXX)"
trap 'rm -rf "$tmp"' EXIT
[[ -d dist ]] && cp -a dist/. "$tmp/"
npx tsc -p tsconfig.build.json --outDir "$tmp" --tsBuildInfoFile "$tmp/.tsbuildinfo-build"
npx tsc-alias -p tsconfig.build.json --outDir "$tmp"
# The dashboard's browser code: type-checked for the DOM, then bundled by the compiled builder.
npx tsc -p apps/reporting/web/tsconfig.json
rm -rf "$tmp/apps/reporting/web"
node "$tmp/apps/reporting/src/dashboard/dashboard.bundle.js" apps/reporting/web "$tmp/apps/reporting/web"
old="$(mktemp -d .dist-old.XXXXXX)"
[[ -d dist ]] && mv dist "$old/dist"
mv "$tmp" dist
rm -rf "$old"
