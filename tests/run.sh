#!/usr/bin/env bash
# Install everything the test suite needs on a fresh Debian machine, then run it.
# This is the README's test command and what CI runs (.ci/run). Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# Programs the tests drive as independent checks: Debian's wget (a second crawler),
# Chromium (renders the report page), poppler-utils' pdftotext (reads back the page as printed),
# unzip (runs the restore command that `wparchive verify` prints for a damaged WARC).
need=()
command -v wget >/dev/null || need+=(wget)
command -v chromium >/dev/null || need+=(chromium)
command -v pdftotext >/dev/null || need+=(poppler-utils)
command -v unzip >/dev/null || need+=(unzip)
if [ ${#need[@]} -gt 0 ]; then
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
fi

# A real WordPress (Debian's packages) for tests/realwp, started on 127.0.0.1.
if [ -x tests/realwp/setup.sh ]; then
    bash tests/realwp/setup.sh
fi

python3 -m venv .venv
.venv/bin/pip install -q --upgrade pip
.venv/bin/pip install -q -e '.[test]'
exec .venv/bin/python -m pytest "$@"
