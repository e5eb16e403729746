#!/usr/bin/env bash
# Makes sure the dashboard test has a Chromium: CHROMIUM_PATH, else /usr/bin/chromium, else
# Debian's `chromium` package installed here (as root, with apt-get), with visible progress.
# CASEBRIDGE_SKIP_BROWSER_TESTS=1 skips it (the dashboard tests then say they are skipped).
set -euo pipefail
[[ "${CASEBRIDGE_SKIP_BROWSER_TESTS:-0}" == 1 ]] && { echo "Browser tests skipped (CASEBRIDGE_SKIP_BROWSER_TESTS=1)"; exit 0; }
browser="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [[ -x "$browser" ]]; then echo "Chromium: $browser"; exit 0; fi
if [[ -n "${CHROMIUM_PATH:-}" ]]; then
  echo "CHROMIUM_PATH=$CHROMIUM_PATH is not an executable; point it at a Chromium, or set CASEBRIDGE_SKIP_BROWSER_TESTS=1" >&2
  exit 1
fi
if [[ "$(id -u)" != 0 ]] || ! command -v apt-get >/dev/null; then
  echo "The dashboard test needs Chromium: run 'sudo apt-get install chromium' (or set CHROMIUM_PATH, or CASEBRIDGE_SKIP_BROWSER_TESTS=1 to skip it)" >&2
  exit 1
fi
echo "Installing Chromium (Debian's chromium package) for the dashboard test, once…"
apt-get update -q 2>&1 | sed -u 's/^/  apt: /' | grep -E 'Reading|Hit|Get|Err' || true
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium 2>&1 \
  | sed -un -e 's/^\(Get:[0-9]*\) [^ ]* \(.*\)$/  apt: \1 \2/p' -e 's/^\(Setting up .*\)$/  apt: \1/p' -e 's/^\(E: .*\)$/  apt: \1/p'
[[ -x /usr/bin/chromium ]] || { echo "Installing chromium failed (see the apt lines above); install it by hand, or set CASEBRIDGE_SKIP_BROWSER_TESTS=1" >&2; exit 1; }
echo "Chromium installed: $(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium)"
