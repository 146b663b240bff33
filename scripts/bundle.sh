#!/usr/bin/env bash
# dist/src/cli/rsd-bundle.js: rsd and everything it imports (koffi aside: a native addon) in one file, which
# dist/src/cli/rsd.js runs when it is there (src/cli/bundle-loader.ts). Made from tsc's output, so the bundle
# runs exactly the JavaScript the separate modules are. The file is one function expression, CommonJS's module
# wrapper written out: the loader compiles the file's text as it is, where wrapping it would be a second copy
# of 1.4 MB in rsd's heap for as long as it runs.
set -euo pipefail
cd "$(dirname "$0")/.."
npx esbuild dist/src/cli/rsd-main.js --bundle --platform=node --target=node20 --format=cjs \
  --external:koffi --log-level=warning --outfile=dist/src/cli/rsd-bundle.js \
  --banner:js='(function (exports, require, module, __filename, __dirname) {' --footer:js='})'
# esbuild writes code in ASCII (escaping the rest), but keeps some comments as they are: one non-ASCII
# character in them would make V8 hold the whole source as UTF-16, twice the memory.
LC_ALL=C sed -i 's/[\x80-\xff]/?/g' dist/src/cli/rsd-bundle.js
# A cache made for the bundle this replaces is refused anyway (bundle-loader.ts): drop it.
rm -f dist/src/cli/rsd-bundle.js.v8cache
