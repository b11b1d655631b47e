#!/usr/bin/env bash
# Installs the Debian packages onemap needs when they are missing (root only; otherwise it
# says what to install). `--tests` adds what the test suite needs (Chromium, OWSLib, mosquitto).
# PostgreSQL + PostGIS: the embedded cluster; GDAL: imports and third-party client tests;
# fonts-wqy-microhei: Chinese text in the headless browser.
set -euo pipefail

want_tests=0
[ "${1:-}" = "--tests" ] && want_tests=1

missing=()
have_postgis=0
for ctl in /usr/share/postgresql/*/extension/postgis.control; do
  v=$(basename "$(dirname "$(dirname "$ctl")")")
  [ -x "/usr/lib/postgresql/$v/bin/pg_ctl" ] && have_postgis=1
done
[ "$have_postgis" = 1 ] || missing+=(postgresql postgresql-contrib postgresql-postgis)
command -v ogr2ogr >/dev/null 2>&1 || missing+=(gdal-bin)
[ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || missing+=(fonts-wqy-microhei)
# Chromium also at run time: the planning compliance report is printed to PDF by it.
[ -x /usr/bin/chromium ] || missing+=(chromium)
if [ "$want_tests" = 1 ]; then
  # pdftotext: the tests read the PDF reports back.
  command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
  /usr/bin/python3 -c 'import owslib' >/dev/null 2>&1 || missing+=(python3-owslib)
  # mosquitto: the MQTT observation feed's tests start their own broker (water-mqtt.test.ts).
  command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ] || missing+=(mosquitto)
fi

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ]; then
  echo "onemap needs these Debian packages: ${missing[*]}" >&2
  echo "install them with: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "[onemap] installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Debian's postgresql package starts a system cluster on 5432; onemap runs its own and
# leaves that one alone.
echo "[onemap] Debian packages installed"
