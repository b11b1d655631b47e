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
npx vitest run "$@"
