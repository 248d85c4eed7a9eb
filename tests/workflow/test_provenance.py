"""`microcred provenance`: provenance from Git, and the assessor rule that guards signing."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from factories import CREDENTIAL, ISSUER, organisation_data, recognizer_data

from .helpers import EARNER, KIM, SAM, GitRegistry, add_assessment, make_git_registry


def _submit(repo: GitRegistry, branch: str = "erin") -> Path:
    repo.branch(branch)
    result = repo.cli(
        "new", "submission", "--credential", f"{ISSUER}/{CREDENTIAL}", "--email", EARNER, "--visibility", "private",
        "--evidence", "video|Clip|https://media.example.org/c|minutes=5",
        "--evidence", "reflection|Notes|https://media.example.org/n|words=150",
    )
    assert result.code == 0, result.out + result.err
    repo.commit("submission", email=EARNER)
    (path,) = repo.award_files()
    return path


def _provenance(path: Path) -> dict | None:  # type: ignore[type-arg]
    return yaml.safe_load(path.read_text(encoding="utf-8")).get("provenance")


@pytest.mark.parametrize(
    "author,ok",
    [(SAM, True), (EARNER, False), (KIM, False)],
    ids=["authored-by-the-assessor", "authored-by-the-earner", "authored-by-another-assessor"],
)
def test_assessment_author_must_be_the_assessor(git_registry: GitRegistry, author: str, ok: bool) -> None:
    path = _submit(git_registry)
    add_assessment(path, "sam-assessor")
    git_registry.commit("assessment", email=author)
    git_registry.merge("erin")
    result = git_registry.cli("provenance")
    assert (result.code == 0) is ok, result.out
    if ok:
        assert _provenance(path) is not None
    else:
        assert _provenance(path) is None
        rel = path.relative_to(git_registry.root).as_posix()
        assert f"{rel}: not signed: the assessment by 'sam-assessor' was added or changed in commit" in result.out
        assert f"authored by {author}, not by the assessor's {SAM}" in result.out
        assert result.lines[-1].startswith("FAIL:")


def test_assessment_changed_later_by_someone_else_is_refused(git_registry: GitRegistry) -> None:
    path = _submit(git_registry)
    add_assessment(path, "sam-assessor", decision="not-yet")
    git_registry.commit("assessment", email=SAM)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("not-yet", "awarded").replace("developing", "proficient"), encoding="utf-8")
    git_registry.commit("fix", email=EARNER)
    git_registry.merge("erin")
    result = git_registry.cli("provenance")
    assert result.code == 1
    assert f"authored by {EARNER}" in result.out


def test_github_approvals_decide_when_a_pull_request_is_given(git_registry: GitRegistry) -> None:
    path = _submit(git_registry)
    add_assessment(path, "sam-assessor")
    git_registry.commit("assessment", email=EARNER)  # authorship does not matter on GitHub: approval does
    git_registry.merge("erin")
    refused = git_registry.cli("provenance", "--pr", "12", "--approved-by", "kim-assessor")
    assert refused.code == 1
    assert "assessor 'sam-assessor' (@sam-assessor) did not approve pull request #12 (approved by: @kim-assessor)" \
        in refused.out
    assert _provenance(path) is None
    none = git_registry.cli("provenance", "--pr", "12", "--approved-by", "")
    assert none.code == 1 and "(no approvals)" in none.out

    url = "https://github.com/example/registry/pull/12"
    accepted = git_registry.cli("provenance", "--pr", "12", "--pr-url", url, "--approved-by", "Sam-Assessor, kim-assessor")
    assert accepted.code == 0, accepted.out
    provenance = _provenance(path)
    assert provenance is not None
    assert provenance["pull_request"] == 12
    assert provenance["pull_request_url"] == url
    assert provenance["approved_by"] == ["kim-assessor", "Sam-Assessor"]
    assert git_registry.cli("validate").code == 0


def test_pull_request_data_from_the_environment(git_registry: GitRegistry, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _submit(git_registry)
    add_assessment(path, "sam-assessor")
    git_registry.commit("assessment", email=SAM)
    git_registry.merge("erin")
    monkeypatch.setenv("MICROCRED_PR", "3")
    monkeypatch.setenv("MICROCRED_APPROVED_BY", "sam-assessor")
    result = git_registry.cli("provenance")
    assert result.code == 0, result.out
    assert _provenance(path)["approved_by"] == ["sam-assessor"]  # type: ignore[index]


def test_approvals_need_a_pull_request_number(git_registry: GitRegistry) -> None:
    assert git_registry.cli("provenance", "--approved-by", "sam-assessor").code == 2


def test_provenance_is_appended_as_text(git_registry: GitRegistry) -> None:
    path = _submit(git_registry)
    add_assessment(path, "sam-assessor")
    git_registry.commit("assessment", email=SAM)
    git_registry.merge("erin")
    before = path.read_text(encoding="utf-8")
    assert git_registry.cli("provenance").code == 0
    after = path.read_text(encoding="utf-8")
    assert after.startswith(before) and after[len(before):].startswith("provenance:\n")


@pytest.fixture
def two_assessors(tmp_path: Path) -> GitRegistry:
    org = organisation_data(assessment={"assessors_required": 2})
    return make_git_registry(tmp_path / "registry", organisations=[org, recognizer_data()])


def test_two_assessors_complete_the_award_only_together(two_assessors: GitRegistry) -> None:
    repo = two_assessors
    path = _submit(repo)
    add_assessment(path, "sam-assessor")
    repo.commit("first assessment", email=SAM)
    repo.merge("erin")
    first = repo.cli("provenance")
    assert first.code == 0 and "0 award(s)" in first.out  # pending: one of two
    repo.branch("kim")
    add_assessment(path, "kim-assessor")
    second = repo.commit("second assessment", email=KIM)
    repo.merge("kim")
    result = repo.cli("provenance")
    assert result.code == 0, result.out
    provenance = _provenance(path)
    assert provenance is not None and provenance["assessed_commit"] == second


def test_two_assessors_disagreeing_is_not_provenanced(two_assessors: GitRegistry) -> None:
    repo = two_assessors
    path = _submit(repo)
    add_assessment(path, "sam-assessor")
    repo.commit("awarded", email=SAM)
    add_assessment(path, "kim-assessor", decision="not-yet")
    repo.commit("not yet", email=KIM)
    assert repo.cli("check-pr", "--base", "main").code == 0
    repo.merge("erin")
    result = repo.cli("provenance")
    assert result.code == 0 and "0 award(s)" in result.out
    assert _provenance(path) is None
    packet = repo.cli("review", path.stem)
    assert "### Disagreements (for the issuer's admin)" in packet.out
    assert "**Decisions differ:**" in packet.out
    assert "| Questions | Proficient | Developing |" in packet.out


def test_rebase_merge_with_later_commits_uses_since(git_registry: GitRegistry) -> None:
    """Rebase-merged pull requests land several commits; --since marks which ones this push brought."""
    before = git_registry.git("rev-parse", "main")
    path = _submit(git_registry)
    add_assessment(path, "sam-assessor")
    git_registry.commit("assessment", email=EARNER)  # the API decides on GitHub, not authorship
    (git_registry.root / "NOTES.md").write_text("thanks\n", encoding="utf-8")
    git_registry.commit("a later commit in the same pull request", email=EARNER)
    git_registry.switch("main")
    git_registry.git("merge", "-q", "--ff-only", "erin")
    without = git_registry.cli("provenance", "--pr", "5", "--approved-by", "sam-assessor")
    assert without.code == 1  # the award was not completed by HEAD itself: authorship rule, which fails
    result = git_registry.cli("provenance", "--pr", "5", "--approved-by", "sam-assessor", "--since", before)
    assert result.code == 0, result.out
    assert _provenance(path)["pull_request"] == 5  # type: ignore[index]


def _merged_submission(repo: GitRegistry, branch: str, assessor: str, author: str) -> tuple[Path, str]:
    before = set(repo.award_files())
    repo.branch(branch)
    result = repo.cli(
        "new", "submission", "--credential", f"{ISSUER}/{CREDENTIAL}", "--email", EARNER, "--visibility", "private",
        "--evidence", "video|Clip|https://media.example.org/c|minutes=5",
        "--evidence", "reflection|Notes|https://media.example.org/n|words=150",
    )
    assert result.code == 0, result.out + result.err
    (path,) = set(repo.award_files()) - before
    repo.commit("submission", email=EARNER)
    add_assessment(path, assessor)
    repo.commit("assessment", email=author)
    return path, repo.merge(branch)


def test_plan_and_pull_request_data_per_merge_commit(git_registry: GitRegistry, tmp_path: Path) -> None:
    """Several pull requests merged before one publish run: each award is held to its own approvals."""
    import json

    first, merge1 = _merged_submission(git_registry, "one", "sam-assessor", EARNER)
    second, merge2 = _merged_submission(git_registry, "two", "kim-assessor", EARNER)
    planned = json.loads(git_registry.cli("provenance", "--plan").out)
    assert sorted(planned["merge_commits"]) == sorted([merge1, merge2])
    assert {a["path"] for a in planned["awards"]} == {
        p.relative_to(git_registry.root).as_posix() for p in (first, second)
    }
    pulls = tmp_path / "pulls.json"
    pulls.write_text(json.dumps({
        merge1: {"number": 1, "url": "https://github.com/o/r/pull/1", "approved_by": ["sam-assessor"]},
        merge2: {"number": 2, "url": "https://github.com/o/r/pull/2", "approved_by": ["sam-assessor"]},
    }), encoding="utf-8")
    result = git_registry.cli("provenance", "--pull-requests", pulls)
    assert result.code == 1
    assert "assessor 'kim-assessor' (@kim-assessor) did not approve pull request #2" in result.out
    assert _provenance(first)["pull_request"] == 1  # type: ignore[index]
    assert _provenance(second) is None
    bad = tmp_path / "bad.json"
    bad.write_text('{"abc": {"number": "one"}}', encoding="utf-8")
    assert git_registry.cli("provenance", "--pull-requests", bad).code == 1


def test_two_assessors_in_two_pull_requests_each_approve_their_own(two_assessors: GitRegistry, tmp_path: Path) -> None:
    """Each assessment is held to the pull request that brought it into main."""
    import json

    repo = two_assessors
    path = _submit(repo)
    add_assessment(path, "sam-assessor")
    repo.commit("first assessment", email=EARNER)
    merge1 = repo.merge("erin")
    repo.branch("kim")
    add_assessment(path, "kim-assessor")
    repo.commit("second assessment", email=EARNER)
    merge2 = repo.merge("kim")
    planned = json.loads(repo.cli("provenance", "--plan").out)
    assert planned["merge_commits"] == sorted([merge1, merge2])
    pulls = tmp_path / "pulls.json"
    pulls.write_text(json.dumps({
        merge1: {"number": 1, "approved_by": ["sam-assessor"]},
        merge2: {"number": 2, "url": "https://github.com/o/r/pull/2", "approved_by": ["kim-assessor"]},
    }), encoding="utf-8")
    result = repo.cli("provenance", "--pull-requests", pulls)
    assert result.code == 0, result.out
    provenance = _provenance(path)
    assert provenance is not None
    assert provenance["pull_request"] == 2 and provenance["merge_commit"] == merge2
    assert provenance["approved_by"] == ["kim-assessor", "sam-assessor"]


def test_a_refused_award_is_withdrawn_and_publishing_resumes(git_registry: GitRegistry) -> None:
    """Assessments are append-only, so the way out is to withdraw the unsigned award and resubmit."""
    path = _submit(git_registry)
    add_assessment(path, "sam-assessor")
    git_registry.commit("assessment typed in by the earner", email=EARNER)
    git_registry.merge("erin")
    assert git_registry.cli("provenance").code == 1
    git_registry.branch("withdraw")
    path.unlink()
    git_registry.commit("Withdraw the submission whose assessment was not the assessor's", email=EARNER)
    check = git_registry.cli("check-pr", "--base", "main")
    assert check.code == 0 and "unsigned award withdrawn" in check.err
    git_registry.merge("withdraw")
    assert git_registry.cli("provenance").code == 0
    resubmitted = _submit(git_registry, "erin-again")
    add_assessment(resubmitted, "sam-assessor")
    git_registry.commit("assessment", email=SAM)
    git_registry.merge("erin-again")
    assert git_registry.cli("provenance").code == 0
    assert _provenance(resubmitted) is not None
