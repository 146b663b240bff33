#!/usr/bin/env bash
# Builds everything rsd needs: the TypeScript sources and the native pieces (native/build.sh).
set -euo pipefail
cd "$(dirname "$0")"
[ -d node_modules ] || npm ci --no-audit --no-fund
npx tsc -p tsconfig.json
chmod +x dist/src/cli/rsd.js dist/ctl/rsdctl.js
scripts/bundle.sh
if [ -x native/build.sh ]; then native/build.sh; fi
