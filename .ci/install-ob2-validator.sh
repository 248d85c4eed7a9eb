#!/usr/bin/env bash
# Install 1EdTech's Open Badges 2.0 validator (PyPI `openbadges`, formerly openbadges-validator-core)
# in an environment of its own: it pins Python-2-era dependencies that clash with ours.
# tests/signing runs it offline over a built site (see tests/signing/tools/ob2_validate.py).
# Idempotent. The environment's python is printed last; tests find it at the default place.
set -euo pipefail
venv="${MICROCRED_OB2_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/microcred/ob2-validator}"
if ! "$venv/bin/python" -c "import openbadges, responses" 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "openbadges==1.1.2" responses
    # openbadges 1.1.2 pins a pycryptodome that does not build on Python 3.11.
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps "pycryptodome>=3.19"
fi
echo "$venv/bin/python"
