"""Run 1EdTech's Open Badges 2.0 validator (PyPI `openbadges`, a.k.a. openbadges-validator-core)
offline over a built site folder.

It needs its own environment (the package pins Python-2-era dependencies that clash with ours):

    python -m venv /tmp/obvenv && /tmp/obvenv/bin/pip install openbadges==1.1.2 responses
    # Python 3.10+ shims: collections.Mapping aliases and a newer pycryptodome
    /tmp/obvenv/bin/pip install --force-reinstall --no-deps "pycryptodome>=3.19"

and then `MICROCRED_OB2_VALIDATOR_PYTHON=/tmp/obvenv/bin/python pytest tests/signing` runs it.
Every HTTP GET the validator makes is answered from SITE_DIR (urls under SITE_URL) or, for the
OB 2.0 context, from the copy the validator ships; anything else is a connection error.

Usage: python ob2_validate.py SITE_DIR SITE_URL ASSERTION_URL...   -> one JSON report per line.
"""

import collections
import collections.abc
import json
import os
import sys

for _name in ("Mapping", "MutableMapping", "Iterable", "Sequence", "Callable", "Set", "MutableSet", "Hashable"):
    if not hasattr(collections, _name):
        setattr(collections, _name, getattr(collections.abc, _name))

import responses
from openbadges import verify
from openbadges.verifier.openbadges_context import OPENBADGES_CONTEXT_V2_DICT

OB2_CONTEXT_URLS = ("https://w3id.org/openbadges/v2", "https://openbadgespec.org/v2/context.json")


def main(site_dir, site_url, assertion_urls):
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        for url in OB2_CONTEXT_URLS:
            mock.add(responses.GET, url, json=OPENBADGES_CONTEXT_V2_DICT, content_type="application/ld+json")
        for folder, _dirs, files in os.walk(site_dir):
            for name in files:
                path = os.path.join(folder, name)
                rel = os.path.relpath(path, site_dir).replace(os.sep, "/")
                with open(path, "rb") as handle:
                    body = handle.read()
                kind = "image/svg+xml" if name.endswith(".svg") else "application/ld+json"
                mock.add(responses.GET, site_url + rel, body=body, content_type=kind)
        for url in assertion_urls:
            report = verify(url, use_cache=False)
            print(json.dumps({"url": url, "report": report.get("report", {}),
                              "messages": report.get("report", {}).get("messages", [])}, default=str))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
