#!/usr/bin/env bash
# `npm start`: install what is missing, start the embedded PostGIS (unless DATABASE_URL is
# given), migrate, load the Taizhou sample when the database is empty, build the client and
# serve everything on one port.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-system.sh
bash scripts/ensure-node-modules.sh
if [ ! -f map-client/dist/index.html ] || [ -n "$(find map-client/src map-client/index.html map-client/vite.config.ts -newer map-client/dist/index.html 2>/dev/null | head -1)" ]; then
  echo "[onemap] building the client"
  npm run build -w map-client --silent
fi
exec npx tsx scripts/start.ts
