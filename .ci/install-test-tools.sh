#!/usr/bin/env bash
# Everything the test suite needs beyond `pip install -e '.[test]'`, on a fresh machine:
# Debian's Chromium (browser tests), the Node packages of the independent Data Integrity verifier
# and of axe-core, and the official Open Badges 2.0 validator in its own environment.
# Idempotent: run it as often as you like.
set -euo pipefail
cd "$(dirname "$0")/.."

bash .ci/install-browser.sh

if ! command -v npm >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update && apt-get install -y --no-install-recommends nodejs npm
fi
for dir in tests/interop tests/site; do
    if [ -f "$dir/package-lock.json" ] && [ ! -d "$dir/node_modules" ]; then
        (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    fi
done

bash .ci/install-ob2-validator.sh >/dev/null
