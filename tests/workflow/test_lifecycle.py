"""The whole life of an award, in a real Git repository, with the commands the workflows run.

earner branch: `microcred new submission` -> check-pr OK; the assessor's commit adds the
assessment -> check-pr OK; merge to main; then what publish.yml runs: provenance, sign (with a
key from `microcred keygen` kept outside the repository), commit back, build, verify.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from factories import ISSUER

from .helpers import BOT, EARNER, SAM, GitRegistry, add_assessment, make_git_registry, run_cli


def _publish_key(repo: GitRegistry, keys: Path) -> Path:
    """The issuer admin makes a key (private part outside the repo) and merges the profile change."""
    key_file = keys / f"{ISSUER}.key"
    repo.branch("admin-key")
    result = repo.cli("keygen", "--issuer", ISSUER, "--key-id", "key-1", "--not-before", "2020-01-01T00:00:00Z",
                      "--out", key_file)
    assert result.code == 0, result.out + result.err
    assert key_file.exists() and not str(key_file).startswith(str(repo.root))
    log_key = keys / "log.key"
    result = repo.cli("log", "keygen", "--out", log_key)
    assert result.code == 0, result.out + result.err
    repo.commit("Publish the signing key and the transparency log's key")
    check = repo.cli("check-pr", "--base", "main")
    assert check.code == 0, check.out
    assert "transparency log key published" in check.err
    repo.merge("admin-key")
    return key_file


def test_submission_assessment_merge_provenance_sign_verify(tmp_path: Path) -> None:
    repo = make_git_registry(tmp_path / "registry", site=True)
    key_file = _publish_key(repo, tmp_path)

    # The earner: a new submission on a branch.
    repo.branch("erin-submission")
    result = repo.cli(
        "new", "submission", "--credential", f"{ISSUER}/test-questioning", "--email", EARNER,
        "--name", "Erin Earner", "--visibility", "public", "--portfolio", "erin-earner",
        "--evidence", "video|Clip of my lesson|https://media.example.org/erin/clip|minutes=8",
        "--evidence", "reflection|What my students said|https://media.example.org/erin/r.pdf|words=320",
    )
    assert result.code == 0, result.out + result.err
    (award_file,) = repo.award_files()
    assert EARNER not in award_file.read_text(encoding="utf-8")
    submitted = repo.commit("Submission for Test Questioning", email=EARNER)
    check = repo.cli("check-pr", "--base", "main")
    assert check.code == 0, check.out
    assert check.lines[-1].startswith("OK:")

    # The review packet the validate workflow puts into the job summary.
    packet = repo.cli("review", "--base", "main")
    assert packet.code == 0
    assert "## Review packet" in packet.out and "No assessment yet." in packet.out

    # The assessor adds the assessment with the Git email from the profile.
    add_assessment(award_file, "sam-assessor", "awarded")
    assessed = repo.commit("Assessment: awarded", email=SAM)
    check = repo.cli("check-pr", "--base", "main", "--format", "json")
    assert check.code == 0, check.out
    assert "submission added with 1 assessment" in check.out
    merge = repo.merge("erin-submission")

    # publish.yml: provenance (no forge API here: git authorship decides), sign, commit back.
    prov = repo.cli("provenance")
    assert prov.code == 0, prov.out
    data = yaml.safe_load(award_file.read_text(encoding="utf-8"))
    assert data["provenance"]["submitted_commit"] == submitted
    assert data["provenance"]["assessed_commit"] == assessed
    assert data["provenance"]["merge_commit"] == merge
    assert data["provenance"]["merged_at"].endswith("Z")
    again = repo.cli("provenance")
    assert again.code == 0 and "0 award(s)" in again.out  # running twice changes nothing

    signed = repo.cli("sign", "--issuer", ISSUER, "--key-file", key_file)
    assert signed.code == 0, signed.out + signed.err
    assert "signed:" in award_file.read_text(encoding="utf-8")
    assert repo.cli("log", "append").code == 0
    checkpoint = repo.cli("log", "checkpoint", "--key-file", tmp_path / "log.key")
    assert checkpoint.code == 0, checkpoint.out + checkpoint.err
    logged = repo.cli("log", "check")
    assert logged.code == 0, logged.out + logged.err
    repo.commit("Sign awards [skip ci]", email=BOT)

    verified = repo.cli("verify", "--all")
    assert verified.code == 0, verified.out + verified.err

    # The site, when the build verb is available.
    if "build" in run_cli("--help").out:
        built = repo.cli("build", "--site-dir", tmp_path / "site")
        if built.code != 0:
            pytest.fail("microcred build failed:\n" + built.out + built.err)
        assert any((tmp_path / "site").rglob("credential.json"))
        award_id = award_file.stem
        from_site = repo.cli("verify", award_id, "--site", tmp_path / "site")
        assert from_site.code == 0, from_site.out + from_site.err

    # After publishing, the next pull request starts from the signed main and passes.
    repo.branch("next")
    repo.commit("An unrelated note", email=EARNER)
    assert repo.cli("check-pr", "--base", "main").code == 0
