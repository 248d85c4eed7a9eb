"""Generate a large, valid registry for benchmarks: N awards over a handful of credentials.

    python benchmarks/generate_registry.py OUT_DIR --awards 10000

Records are written as YAML the way people write them, so loading costs what it would for real.
Importable: `generate(root, awards=...)` is used by the other benchmark scripts.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from factories import award_data, credential_data, organisation_data, recognizer_data, write_yaml

ISSUERS = ["bench-institute", "bench-academy", "bench-collaborative"]
CREDENTIALS_PER_ISSUER = 4
SITE_URL = "https://registry.example.org/"


def generate(root: Path, awards: int = 1000) -> Path:
    """Write a valid registry with `awards` awarded records under `root`; return root."""
    root.mkdir(parents=True, exist_ok=True)
    refs: list[tuple[str, str]] = []
    for org in ISSUERS:
        write_yaml(root / "issuers" / f"{org}.yaml", organisation_data(org, name=org.replace("-", " ").title()))
        for c in range(CREDENTIALS_PER_ISSUER):
            slug = f"credential-{c + 1}"
            write_yaml(
                root / "credentials" / org / f"{slug}.yaml",
                credential_data(slug, org, title=f"Benchmark credential {c + 1}"),
            )
            refs.append((org, slug))
    write_yaml(root / "issuers" / "bench-district.yaml", recognizer_data("bench-district", f"{refs[0][0]}/{refs[0][1]}"))
    dumper = yaml.SafeDumper
    for i in range(awards):
        org, slug = refs[i % len(refs)]
        award_id = f"award-{i:06d}"
        email = f"earner{i % (awards // 3 + 1)}@schools.example.org"
        data = award_data(award_id, slug=slug, org_id=org, email=email)
        data["recipient"]["portfolio"] = f"earner-{i % (awards // 3 + 1)}"
        data["recipient"]["name"] = f"Earner {hashlib.sha256(email.encode()).hexdigest()[:6]}"
        path = root / "awards" / org / slug / f"{award_id}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.dump(data, Dumper=dumper, sort_keys=False), encoding="utf-8")
    (root / "mkdocs.yml").write_text(f"site_name: Benchmark registry\nsite_url: {SITE_URL}\n", encoding="utf-8")
    return root


def main() -> None:
    """Command line: generate a registry into a folder."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--awards", type=int, default=1000)
    args = parser.parse_args()
    generate(args.out, args.awards)
    print(f"wrote {args.awards} awards to {args.out}")


if __name__ == "__main__":
    main()
