#!/usr/bin/env bash
# `npm test`: install what is missing, then lint (including the workspace dependency rules),
# type-check, build the client, and run every test (unit, PostGIS integration, GDAL/OWSLib
# clients, Chromium end-to-end). The suites start their own PostGIS cluster under .test-data.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-system.sh --tests
bash scripts/ensure-node-modules.sh
echo "[onemap] lint"
npm run lint --silent
echo "[onemap] typecheck"
npm run typecheck --workspaces --silent
echo "[onemap] build client"
npm run build -w map-client --silent
echo "[onemap] tests"
report=$(mktemp)
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json="$report" "$@" || status=$?
# A plain closing line that any CI can read.
node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed` + (r.numPendingTests ? `, ${r.numPendingTests} skipped` : ""))' "$report" || true
rm -f "$report"
exit $status
