"""`microcred check-pr`: what a pull request may and may not change, one case per rule.

Every case starts from the same published main (signed awards, a revocation, a signed status
list, an unsigned not-yet award, a published key), makes one change on a branch, commits it and
runs check-pr against main.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from factories import CREDENTIAL, ISSUER, award_data, write_yaml
from microcred.keys import SigningKey, generate_key
from microcred.revoke import revoke_award
from microcred.signing import sign_registry

from .helpers import EARNER, SAM, GitRegistry, add_assessment, make_git_registry

SEED = bytes(range(32))
SIGNED = "test-award-1"
REVOKED = "test-award-2"
NOT_YET = "test-award-3"
AWARDS = f"awards/{ISSUER}/{CREDENTIAL}"
CRED = f"credentials/{ISSUER}/{CREDENTIAL}.yaml"
ARCHIVE = f"credentials/{ISSUER}/{CREDENTIAL}.v1.yaml"
PROFILE = f"issuers/{ISSUER}.yaml"


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """main after a few publish runs: two signed awards (one revoked) and an unsigned not-yet."""
    root = tmp_path_factory.mktemp("published") / "registry"
    repo = make_git_registry(
        root, awards=[award_data(SIGNED), award_data(REVOKED), award_data(NOT_YET, decision="not-yet")]
    )
    generate_key(root, ISSUER, not_before=datetime(2026, 1, 1, tzinfo=UTC), seed=SEED, key_id="key-1")
    key = SigningKey(seed=SEED, source="test")
    sign_registry(root, {ISSUER: key})
    revoke_award(root, REVOKED, "Evidence was not the earner's own work.", "ada-admin")
    sign_registry(root, {ISSUER: key})
    for argv in (("log", "keygen", "--out", root.parent / "log.key"), ("log", "append"),
                 ("log", "checkpoint", "--key-file", root.parent / "log.key")):
        result = repo.cli(*argv)
        assert result.code == 0, result.out + result.err
    repo.commit("Published: signed, revoked, status list, transparency log")
    assert repo.cli("validate").code == 0
    return root


@pytest.fixture
def pr(published: Path, tmp_path: Path) -> GitRegistry:
    """A copy of the published repository, on a fresh pull-request branch."""
    root = tmp_path / "registry"
    shutil.copytree(published, root, symlinks=True)
    repo = GitRegistry(root)
    repo.branch("pull-request")
    return repo


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _yaml_edit(path: Path, change: Callable[[dict], None]) -> None:  # type: ignore[type-arg]
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    write_yaml(path, data)


def _new_award(repo: GitRegistry, award_id: str, **kwargs: object) -> Path:
    return write_yaml(repo.path(f"{AWARDS}/{award_id}.yaml"), award_data(award_id, **kwargs))  # type: ignore[arg-type]


# -- changes that must be refused ---------------------------------------------------------------


def edit_signed_award(repo: GitRegistry) -> None:
    _edit(repo.path(f"{AWARDS}/{SIGNED}.yaml"), "Erin Earner", "Erin E. Earner")


def delete_signed_award(repo: GitRegistry) -> None:
    repo.path(f"{AWARDS}/{SIGNED}.yaml").unlink()


def add_signed_proof(repo: GitRegistry) -> None:
    signed = yaml.safe_load(repo.path(f"{AWARDS}/{SIGNED}.yaml").read_text(encoding="utf-8"))["signed"]
    path = _new_award(repo, "test-award-forged")
    _yaml_edit(path, lambda d: d.update(signed=signed))


def add_provenance(repo: GitRegistry) -> None:
    path = _new_award(repo, "test-award-4")
    _yaml_edit(path, lambda d: d.update(provenance={"pull_request": 7, "approved_by": ["sam-assessor"]}))


def assessor_is_earner(repo: GitRegistry) -> None:
    _new_award(repo, "test-award-self", email=SAM)


def assessor_not_listed(repo: GitRegistry) -> None:
    path = _new_award(repo, "test-award-outsider", decision=None)
    add_assessment(path, assessor="pat-outsider")


def missing_required_evidence(repo: GitRegistry) -> None:
    path = _new_award(repo, "test-award-thin", decision=None)
    _yaml_edit(path, lambda d: d["submission"].update(evidence=d["submission"]["evidence"][:1]))


def revise_awarded_credential_in_place(repo: GitRegistry) -> None:
    _edit(repo.path(CRED), "Asks good questions.", "Asks good, open questions.")


def revise_without_archive(repo: GitRegistry) -> None:
    _edit(repo.path(CRED), "Asks good questions.", "Asks good, open questions.")
    _edit(repo.path(CRED), "version: 1", "version: 2")


def revise_with_altered_archive(repo: GitRegistry) -> None:
    shutil.copy(repo.path(CRED), repo.path(ARCHIVE))
    _edit(repo.path(ARCHIVE), "A clip.", "A short clip.")
    revise_without_archive(repo)


def lower_version(repo: GitRegistry) -> None:
    _edit(repo.path(CRED), "version: 1", "version: 2")
    repo.commit("v2 (no awards yet on v2)")
    repo.git("switch", "-q", "main")
    repo.git("merge", "-q", "--ff-only", "pull-request")
    repo.git("switch", "-q", "pull-request")
    _edit(repo.path(CRED), "version: 2", "version: 1")


def edit_archived_version(repo: GitRegistry) -> None:
    # main gets a proper revision first; the pull request then edits the archived version
    shutil.copy(repo.path(CRED), repo.path(ARCHIVE))
    revise_without_archive(repo)
    repo.commit("Revision to v2, v1 archived")
    repo.git("switch", "-q", "main")
    repo.git("merge", "-q", "--ff-only", "pull-request")
    repo.git("switch", "-q", "pull-request")
    _edit(repo.path(ARCHIVE), "A clip.", "A short clip.")


def remove_published_key(repo: GitRegistry) -> None:
    _yaml_edit(repo.path(PROFILE), lambda d: d.update(keys=[]))


def alter_published_key(repo: GitRegistry) -> None:
    def change(d: dict) -> None:  # type: ignore[type-arg]
        d["keys"][0]["not_before"] = "2025-01-01T00:00:00Z"

    _yaml_edit(repo.path(PROFILE), change)


def edit_revocation(repo: GitRegistry) -> None:
    _edit(repo.path(f"{AWARDS}/{REVOKED}.revocation.yaml"), "own work", "own work (confirmed)")


def delete_revocation(repo: GitRegistry) -> None:
    repo.path(f"{AWARDS}/{REVOKED}.revocation.yaml").unlink()


def edit_status_list(repo: GitRegistry) -> None:
    (status,) = repo.path("issuers").glob("*.status-list.json")
    status.write_text(status.read_text(encoding="utf-8").replace("\"", "'", 1), encoding="utf-8")


def change_merged_assessment(repo: GitRegistry) -> None:
    _edit(repo.path(f"{AWARDS}/{NOT_YET}.yaml"), "decision: not-yet", "decision: awarded")


def change_assessed_evidence(repo: GitRegistry) -> None:
    _edit(repo.path(f"{AWARDS}/{NOT_YET}.yaml"), "https://media.example.org/clip", "https://media.example.org/clip2")


def move_the_site(repo: GitRegistry) -> None:
    _edit(repo.path("mkdocs.yml"), "https://registry.example.org/", "https://new-home.example.org/")


def edit_the_log(repo: GitRegistry) -> None:
    entries = repo.path("log/entries.jsonl")
    entries.write_text(entries.read_text(encoding="utf-8") + entries.read_text(encoding="utf-8"), encoding="utf-8")


def replace_the_log_key(repo: GitRegistry) -> None:
    _edit(repo.path("log/log.vkey"), "+", "-", )


def symlink_record(repo: GitRegistry) -> None:
    os.symlink("/etc/passwd", repo.path(f"{AWARDS}/test-award-link.yaml"))


@dataclass(frozen=True)
class Refused:
    change: Callable[[GitRegistry], None]
    path: str
    message: str


def commit_a_private_key(repo: GitRegistry) -> None:
    from microcred.proof import generate_seed, private_multikey_from_seed

    repo.path("notes").mkdir(exist_ok=True)
    repo.path("notes/ci-secret.txt").write_text(
        f"MICROCRED_SIGNING_KEY_TEST_INSTITUTE={private_multikey_from_seed(generate_seed())}\n", encoding="utf-8"
    )


def commit_the_log_key(repo: GitRegistry) -> None:
    # A fresh signed-note key of the log's form (the published log's own key stays outside the copy).
    from microcred.tlog.note import Signer

    skey = Signer.generate("registry.example.org/log").skey
    (repo.path("log") / "log.skey").write_text(skey + "\n", encoding="utf-8")


REFUSED = {
    "commits-a-private-signing-key": Refused(commit_a_private_key, "notes/ci-secret.txt", "a private Multikey"),
    "commits-the-log-signing-key": Refused(commit_the_log_key, "log/log.skey", "a signed-note PRIVATE+KEY"),
    "edits-a-signed-award": Refused(edit_signed_award, f"{AWARDS}/{SIGNED}.yaml", "changes a signed award"),
    "deletes-a-signed-award": Refused(delete_signed_award, f"{AWARDS}/{SIGNED}.yaml", "deletes a signed award"),
    "adds-a-signed-proof": Refused(add_signed_proof, f"{AWARDS}/test-award-forged.yaml", "adds a signed: block"),
    "adds-provenance": Refused(add_provenance, f"{AWARDS}/test-award-4.yaml", "only the publish workflow"),
    "assessor-is-the-earner": Refused(assessor_is_earner, f"{AWARDS}/test-award-self.yaml", "is the recipient"),
    "assessor-not-listed-for-issuer": Refused(
        assessor_not_listed, f"{AWARDS}/test-award-outsider.yaml", "'pat-outsider' is not listed for test-institute"
    ),
    "missing-required-evidence": Refused(
        missing_required_evidence, f"{AWARDS}/test-award-thin.yaml", "missing required evidence 'reflection'"
    ),
    "revision-of-awarded-credential-without-version-bump": Refused(
        revise_awarded_credential_in_place, CRED, "without raising version"
    ),
    "revision-without-archived-old-version": Refused(revise_without_archive, CRED, f"{ARCHIVE}, which is missing"),
    "revision-with-altered-archive": Refused(revise_with_altered_archive, ARCHIVE, "differs from version 1"),
    "version-lowered": Refused(lower_version, CRED, "lowers version from 2 to 1"),
    "edits-an-archived-version": Refused(edit_archived_version, ARCHIVE, "archived version 1"),
    "removes-a-published-key": Refused(remove_published_key, PROFILE, "removes published key 'key-1'"),
    "alters-a-published-key": Refused(alter_published_key, PROFILE, "alters not_before of published key 'key-1'"),
    "edits-a-revocation": Refused(edit_revocation, f"{AWARDS}/{REVOKED}.revocation.yaml", "cannot be changed"),
    "deletes-a-revocation": Refused(delete_revocation, f"{AWARDS}/{REVOKED}.revocation.yaml", "cannot be deleted"),
    "edits-the-status-list": Refused(edit_status_list, f"issuers/{ISSUER}.status-list.json", "only by CI on main"),
    "changes-a-merged-assessment": Refused(change_merged_assessment, f"{AWARDS}/{NOT_YET}.yaml", "append-only"),
    "changes-assessed-evidence-without-new-attempt": Refused(
        change_assessed_evidence, f"{AWARDS}/{NOT_YET}.yaml", "sets submission.attempt to 2"
    ),
    "edits-the-transparency-log": Refused(edit_the_log, "log/entries.jsonl", "written only by CI on main"),
    "replaces-the-log-key": Refused(replace_the_log_key, "log/log.vkey", "the log's public key is permanent"),
    "moves-the-site-under-signed-awards": Refused(move_the_site, "mkdocs.yml", "changes site_url"),
    "adds-a-symbolic-link": Refused(symlink_record, f"{AWARDS}/test-award-link.yaml", "symbolic links"),
}


@pytest.mark.parametrize("case", list(REFUSED.values()), ids=list(REFUSED))
def test_refused(pr: GitRegistry, case: Refused) -> None:
    case.change(pr)
    pr.commit("the change", email=EARNER)
    result = pr.cli("check-pr", "--base", "main")
    assert result.code == 1, result.out
    lines = [line for line in result.lines if line.startswith(case.path + ":")]
    assert any(case.message in line for line in lines), result.out
    assert result.lines[-1].startswith("FAIL:")


# -- changes that are allowed -------------------------------------------------------------------


def new_submission(repo: GitRegistry) -> None:
    result = repo.cli(
        "new", "submission", "--credential", f"{ISSUER}/{CREDENTIAL}", "--email", EARNER, "--visibility", "private",
        "--evidence", "video|Clip|https://media.example.org/c|minutes=5",
        "--evidence", "reflection|Notes|https://media.example.org/n|words=150",
    )
    assert result.code == 0, result.out + result.err


def resubmission(repo: GitRegistry) -> None:
    def change(d: dict) -> None:  # type: ignore[type-arg]
        d["submission"]["attempt"] = 2
        d["submission"]["evidence"][0]["url"] = "https://media.example.org/clip-2"

    _yaml_edit(repo.path(f"{AWARDS}/{NOT_YET}.yaml"), change)


def second_assessment_of_new_attempt(repo: GitRegistry) -> None:
    resubmission(repo)
    add_assessment(repo.path(f"{AWARDS}/{NOT_YET}.yaml"), "kim-assessor", attempt=2)


def revision_with_version_bump(repo: GitRegistry) -> None:
    shutil.copy(repo.path(CRED), repo.path(ARCHIVE))
    revise_without_archive(repo)


def rotate_key(repo: GitRegistry) -> None:
    result = repo.cli("keygen", "--issuer", ISSUER, "--key-id", "key-2", "--out", repo.root.parent / "key-2.key")
    assert result.code == 0, result.out + result.err


def retire_key(repo: GitRegistry) -> None:
    def change(d: dict) -> None:  # type: ignore[type-arg]
        d["keys"][0]["not_after"] = "2099-01-01T00:00:00Z"

    _yaml_edit(repo.path(PROFILE), change)


def propose_credential(repo: GitRegistry) -> None:
    result = repo.cli(
        "new", "credential", "--issuer", ISSUER, "--id", "wait-time", "--title", "Wait Time",
        "--competency", "Questioning", "--summary", "Waits after asking.", "--key-method", "Count to five.",
    )
    assert result.code == 0, result.out + result.err


def revoke(repo: GitRegistry) -> None:
    result = repo.cli("revoke", SIGNED, "--reason", "Issued in error.", "--by", "ada-admin")
    assert result.code == 0, result.out + result.err


def edit_site_name(repo: GitRegistry) -> None:
    _edit(repo.path("mkdocs.yml"), "site_name: Test registry", "site_name: Our registry")


def withdraw_unsigned(repo: GitRegistry) -> None:
    repo.path(f"{AWARDS}/{NOT_YET}.yaml").unlink()


def unrelated_code_change(repo: GitRegistry) -> None:
    (repo.root / "NOTES.md").write_text("notes\n", encoding="utf-8")


ALLOWED: dict[str, tuple[Callable[[GitRegistry], None], str]] = {
    "new-submission": (new_submission, "submission added"),
    "resubmission-after-not-yet": (resubmission, "submission revised"),
    "assessment-of-the-new-attempt": (second_assessment_of_new_attempt, "assessment added to an unsigned award"),
    "revision-with-version-bump-and-archive": (revision_with_version_bump, "credential revised (version 1 -> 2)"),
    "key-rotation": (rotate_key, "organisation profile edited"),
    "key-retirement": (retire_key, "organisation profile edited"),
    "credential-proposal": (propose_credential, "credential proposed"),
    "revocation": (revoke, "revocation added"),
    "site-name": (edit_site_name, "site configuration edited"),
    "withdraw-an-unsigned-submission": (withdraw_unsigned, "unsigned award withdrawn"),
    "other-files": (unrelated_code_change, "other"),
}


@pytest.mark.parametrize("change,kind", list(ALLOWED.values()), ids=list(ALLOWED))
def test_allowed(pr: GitRegistry, change: Callable[[GitRegistry], None], kind: str) -> None:
    change(pr)
    pr.commit("the change", email=EARNER)
    result = pr.cli("check-pr", "--base", "main")
    assert result.code == 0, result.out
    assert result.lines[-1].startswith("OK:")
    assert kind in result.err


def test_json_report_lists_changes_and_awards(pr: GitRegistry) -> None:
    new_submission(pr)
    pr.commit("submission", email=EARNER)
    import json

    result = pr.cli("check-pr", "--base", "main", "--format", "json")
    report = json.loads(result.out)
    assert report["ok"] is True
    assert [c["kind"] for c in report["changes"]] == ["submission added"]
    assert len(report["awards"]) == 1


def test_unknown_base_is_a_clear_error(pr: GitRegistry) -> None:
    result = pr.cli("check-pr", "--base", "origin/nowhere")
    assert result.code == 1
    assert "cannot find 'origin/nowhere'" in result.out


def test_not_a_repository(tmp_path: Path) -> None:
    from .helpers import run_cli

    result = run_cli("check-pr", "--base", "main", "--root", tmp_path)
    assert result.code == 1
    assert "not inside a Git repository" in result.out


def test_note_when_an_assessment_is_not_written_by_the_assessor(pr: GitRegistry) -> None:
    """Not a failure (on GitHub the approval counts), but the admin sees it before merging."""
    path = _new_award(pr, "test-award-5", decision=None)
    pr.commit("submission", email=EARNER)
    add_assessment(path, "sam-assessor")
    sha = pr.commit("assessment written by the earner", email=EARNER)
    result = pr.cli("check-pr", "--base", "main")
    assert result.code == 0, result.out
    assert (
        f"note: {AWARDS}/test-award-5.yaml: the assessment by 'sam-assessor' was written in commit {sha[:12]} by "
        f"{EARNER}, not the assessor's git_email; it will be signed only if @sam-assessor approves this pull request"
    ) in result.lines
    pr.branch("by-the-assessor", "main")
    path = _new_award(pr, "test-award-6", decision=None)
    pr.commit("submission", email=EARNER)
    add_assessment(path, "sam-assessor")
    pr.commit("assessment", email=SAM)
    assert "note:" not in pr.cli("check-pr", "--base", "main").out


def test_recipient_cannot_change_after_assessment(pr: GitRegistry) -> None:
    _edit(pr.path(f"{AWARDS}/{NOT_YET}.yaml"), "salt: 00112233445566778899aabbccddeeff",
          "salt: ffeeddccbbaa99887766554433221100")
    pr.commit("swap", email=EARNER)
    result = pr.cli("check-pr", "--base", "main")
    assert result.code == 1
    assert f"{AWARDS}/{NOT_YET}.yaml: changes recipient.salt after the award was assessed" in result.out


@pytest.mark.parametrize("case", ["edits-a-signed-award", "adds-a-symbolic-link", "missing-required-evidence"])
def test_head_that_is_not_checked_out_is_read_from_git(pr: GitRegistry, case: str) -> None:
    """--head names another commit: its tree is read from Git, not from the work tree."""
    refused = REFUSED[case]
    refused.change(pr)
    pr.commit("the change", email=EARNER)
    pr.switch("main")
    result = pr.cli("check-pr", "--base", "main", "--head", "pull-request")
    assert result.code == 1, result.out
    assert any(line.startswith(refused.path + ":") and refused.message in line for line in result.lines), result.out
    assert pr.cli("check-pr", "--base", "main").code == 0  # main itself is fine


def test_uncommitted_changes_are_not_part_of_the_pull_request(pr: GitRegistry) -> None:
    edit_signed_award(pr)  # in the work tree only
    result = pr.cli("check-pr", "--base", "main")
    assert result.code == 0, result.out


def test_registry_in_a_subfolder_of_the_repository(tmp_path: Path) -> None:
    """--root may be a folder inside the repository: paths outside it are 'other', paths are reported in full."""
    from factories import RegistryFactory

    top = tmp_path / "repo"
    RegistryFactory(top / "registry", awards=[award_data(SIGNED)]).write()
    (top / "README.md").write_text("hello\n", encoding="utf-8")
    repo = GitRegistry(top)
    repo.git("init", "-q", "-b", "main")
    repo.commit("start")
    repo.branch("pull-request")
    (top / "README.md").write_text("hello again\n", encoding="utf-8")
    _edit(top / "registry" / AWARDS / f"{SIGNED}.yaml", "decision: awarded", "decision: not-yet")
    repo.commit("change", email=EARNER)
    from .helpers import run_cli

    result = run_cli("check-pr", "--base", "main", "--root", top / "registry")
    assert result.code == 1
    assert f"registry/{AWARDS}/{SIGNED}.yaml: changes or removes an assessment that is already merged" in result.out
    assert "M README.md: other" in result.err
