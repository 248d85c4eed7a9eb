"""Helpers for the workflow tests: real temporary Git repositories holding a factory registry, and
the CLI run in-process."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from factories import RegistryFactory, organisation_data, recognizer_data, site_mkdocs_yml, write_yaml
from microcred.cli import main

ADMIN = "ada@test-institute.example.org"
SAM = "sam@test-institute.example.org"
KIM = "kim@test-institute.example.org"
EARNER = "erin@school.example.org"
BOT = "bot@ci.example.org"


@dataclass
class Result:
    """What a CLI run returned and printed."""

    code: int
    out: str
    err: str

    @property
    def lines(self) -> list[str]:
        """stdout, line by line."""
        return self.out.splitlines()


def run_cli(*argv: str | Path) -> Result:
    """Run `microcred ARGV...` in this process; never reads a terminal."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main([str(a) for a in argv])
        except SystemExit as exit_:  # argparse usage errors
            code = int(exit_.code or 0)
    return Result(code, out.getvalue(), err.getvalue())


class GitRegistry:
    """A registry folder that is a Git repository, with helpers that read like the workflow."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def git(self, *args: str, email: str = ADMIN, check: bool = True) -> str:
        """Run git in the repository as the person with `email` (author and committer)."""
        name = email.split("@")[0]
        env = {
            **os.environ,
            "GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email,
            "GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email,
            "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
        }
        proc = subprocess.run(
            ["git", "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args],
            cwd=self.root, env=env, capture_output=True, text=True, check=False,
        )
        if check and proc.returncode != 0:
            raise AssertionError(f"git {' '.join(args)} failed: {proc.stderr}")
        return proc.stdout.strip()

    def commit(self, message: str, *paths: str | Path, email: str = ADMIN) -> str:
        """Stage `paths` (default: everything) and commit as `email`; the new commit id."""
        self.git("add", "--all", *([str(p) for p in paths] or ["."]))
        self.git("commit", "-q", "--allow-empty", "-m", message, email=email)
        return self.git("rev-parse", "HEAD")

    def branch(self, name: str, start: str = "main") -> None:
        """Create and switch to a new branch."""
        self.git("switch", "-q", "-c", name, start)

    def switch(self, name: str) -> None:
        """Switch to an existing branch."""
        self.git("switch", "-q", name)

    def merge(self, branch: str, email: str = ADMIN) -> str:
        """Merge `branch` into main with a merge commit (as the admin would on GitHub)."""
        self.switch("main")
        self.git("merge", "-q", "--no-ff", "-m", f"Merge branch {branch}", branch, email=email)
        return self.git("rev-parse", "HEAD")

    def cli(self, *argv: str | Path) -> Result:
        """Run microcred with --root pointing at this registry (appended after the verb's args)."""
        return run_cli(*argv, "--root", self.root)

    def award_files(self) -> list[Path]:
        """Every award file (not revocations)."""
        return sorted(p for p in (self.root / "awards").rglob("*.yaml") if not p.name.endswith(".revocation.yaml"))

    def path(self, rel: str) -> Path:
        """A path inside the registry."""
        return self.root / rel


SITE_MKDOCS = site_mkdocs_yml()


def make_git_registry(root: Path, *, site: bool = False, **factory: Any) -> GitRegistry:
    """A factory registry (no awards unless given) committed on main; with `site`, buildable by mkdocs."""
    factory.setdefault("awards", [])
    factory.setdefault("organisations", [organisation_data(), recognizer_data()])
    RegistryFactory(root, **factory).write()
    if site:
        (root / "mkdocs.yml").write_text(SITE_MKDOCS, encoding="utf-8")
        (root / "docs").mkdir(exist_ok=True)
        (root / "docs" / "index.md").write_text("# Test registry\n", encoding="utf-8")
    repo = GitRegistry(root)
    repo.git("init", "-q", "-b", "main")
    repo.commit("Registry with one issuer and one credential")
    return repo


def add_assessment(path: Path, assessor: str = "sam-assessor", decision: str = "awarded",
                   scores: dict[str, str] | None = None, date: str | None = None, attempt: int = 1,
                   feedback: str = "Clear questions; keep going.") -> None:
    """Append an assessment to an award file textually, as an assessor would in an editor."""
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    level = "proficient" if decision == "awarded" else "developing"
    assessment: dict[str, Any] = {
        "assessor": assessor,
        "date": date or __import__("datetime").date.today().isoformat(),
        "attempt": attempt,
        "scores": scores or {"questions": level, "analysis": "proficient"},
        "feedback": feedback,
        "decision": decision,
    }
    data["assessments"] = list(data.get("assessments") or []) + [assessment]
    write_yaml(path, data)
