#!/usr/bin/env bash
# Install what the browser tests (tests/browser/) need: Debian's Chromium and Playwright for
# Python. Playwright's own browser download is never used (`playwright install` is not run): the
# tests launch /usr/bin/chromium. Safe to run repeatedly; it only installs what is missing.
set -euo pipefail

if [ ! -x /usr/bin/chromium ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y --no-install-recommends chromium
fi

if ! python3 -c "import playwright.sync_api" 2>/dev/null; then
    # PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD keeps any install hook from fetching a browser build.
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 python3 -m pip install --quiet "playwright>=1.45"
fi

/usr/bin/chromium --version >&2 2>/dev/null  # the Debian wrapper prints noise on stderr
python3 -c "from importlib.metadata import version; print('playwright', version('playwright'))" >&2
