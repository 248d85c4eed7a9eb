"""The shell of publish.yml's provenance step, run as written against a fake `gh` (canned API answers).

It proves that the step asks the API for each merge commit's pull request and its reviews, turns
the latest review of each reviewer into the approvers, and that `microcred provenance` then holds
each award to its own pull request's approvals.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
import yaml

from factories import CREDENTIAL, ISSUER

from .helpers import EARNER, GitRegistry, add_assessment

PUBLISH = Path(__file__).resolve().parents[2] / ".github" / "workflows" / "publish.yml"

FAKE_GH = """#!/usr/bin/env python3
import json, os, subprocess, sys
args = sys.argv[1:]
assert args[0] == "api", args
rest = [a for a in args[1:] if a != "--paginate"]
endpoint, query = rest[0], rest[rest.index("--jq") + 1]
data = json.load(open(os.environ["FAKE_GH_DATA"])).get(endpoint, [])
with open(os.environ["FAKE_GH_LOG"], "a") as log:
    log.write(endpoint + "\\n")
out = subprocess.run(["jq", "-r", query], input=json.dumps(data), capture_output=True, text=True, check=True)
sys.stdout.write(out.stdout)
"""


def _step(name_start: str) -> str:
    workflow = yaml.safe_load(PUBLISH.read_text(encoding="utf-8"))
    for step in workflow["jobs"]["sign"]["steps"]:
        if step.get("name", "").startswith(name_start):
            return str(step["run"])
    raise AssertionError(f"no step {name_start!r}")


def _submission(repo: GitRegistry, branch: str, assessor: str) -> tuple[Path, str]:
    before = set(repo.award_files())
    repo.branch(branch)
    assert repo.cli(
        "new", "submission", "--credential", f"{ISSUER}/{CREDENTIAL}", "--email", EARNER, "--visibility", "private",
        "--evidence", "video|Clip|https://media.example.org/c|minutes=5",
        "--evidence", "reflection|Notes|https://media.example.org/n|words=150",
    ).code == 0
    (path,) = set(repo.award_files()) - before
    repo.commit("submission", email=EARNER)
    add_assessment(path, assessor)
    repo.commit("assessment (made in the GitHub web editor)", email=EARNER)
    return path, repo.merge(branch)


@pytest.mark.skipif(shutil.which("jq") is None or shutil.which("microcred") is None,
                    reason="needs jq and the microcred command on PATH (as on GitHub's runners)")
def test_provenance_step_with_a_fake_github_api(git_registry: GitRegistry, tmp_path: Path) -> None:
    approved, merge1 = _submission(git_registry, "pr-1", "sam-assessor")
    refused, merge2 = _submission(git_registry, "pr-2", "kim-assessor")
    data = {
        f"repos/o/r/commits/{merge1}/pulls": [{"number": 1, "merged_at": "2026-01-01T00:00:00Z"}],
        f"repos/o/r/commits/{merge2}/pulls": [{"number": 2, "merged_at": "2026-01-02T00:00:00Z"}],
        "repos/o/r/pulls/1/reviews": [
            {"user": {"login": "sam-assessor"}, "state": "CHANGES_REQUESTED"},
            {"user": {"login": "sam-assessor"}, "state": "COMMENTED"},
            {"user": {"login": "sam-assessor"}, "state": "APPROVED"},
        ],
        "repos/o/r/pulls/2/reviews": [
            {"user": {"login": "kim-assessor"}, "state": "APPROVED"},
            {"user": {"login": "kim-assessor"}, "state": "DISMISSED"},
        ],
    }
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    gh = bin_dir / "gh"
    gh.write_text(FAKE_GH, encoding="utf-8")
    gh.chmod(gh.stat().st_mode | stat.S_IEXEC)
    (tmp_path / "api.json").write_text(json.dumps(data), encoding="utf-8")
    runner_temp = tmp_path / "runner"
    runner_temp.mkdir()
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "FAKE_GH_DATA": str(tmp_path / "api.json"), "FAKE_GH_LOG": str(tmp_path / "api.log"),
        "GH_TOKEN": "unused", "REPO": "o/r", "SERVER": "https://github.com",
        "RUNNER_TEMP": str(runner_temp), "GITHUB_SHA": merge2,
        "GIT_AUTHOR_NAME": "bot", "GIT_AUTHOR_EMAIL": "bot@example.org",
        "GIT_COMMITTER_NAME": "bot", "GIT_COMMITTER_EMAIL": "bot@example.org",
        "GIT_CONFIG_GLOBAL": os.devnull,
    }
    proc = subprocess.run(["bash", "-e", "-c", _step("Provenance")], cwd=git_registry.root, env=env,
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 1, proc.stdout + proc.stderr  # pull request 2's approval was dismissed
    assert "did not approve pull request #2" in proc.stdout
    assert "provenance" in approved.read_text(encoding="utf-8")
    assert "provenance" not in refused.read_text(encoding="utf-8")
    pulls = json.loads((runner_temp / "pull-requests.json").read_text(encoding="utf-8"))
    assert pulls[merge1] == {"number": 1, "url": "https://github.com/o/r/pull/1", "approved_by": ["sam-assessor"]}
    assert pulls[merge2]["approved_by"] == []
    assert git_registry.git("log", "-1", "--format=%s").startswith("Merge")  # nothing committed on failure

    # Kim approves again: the step passes and commits the provenance on its own, marked [skip ci].
    git_registry.git("checkout", "--", ".")
    data["repos/o/r/pulls/2/reviews"].append({"user": {"login": "kim-assessor"}, "state": "APPROVED"})
    (tmp_path / "api.json").write_text(json.dumps(data), encoding="utf-8")
    proc = subprocess.run(["bash", "-e", "-c", _step("Provenance")], cwd=git_registry.root, env=env,
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    message = git_registry.git("log", "-1", "--format=%s")
    assert message.startswith("Record provenance") and message.endswith("[skip ci]")
    assert git_registry.git("status", "--porcelain") == ""
