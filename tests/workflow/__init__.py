"""Tests of the pull-request workflow: check-pr, review, codeowners, provenance, new, workflow files."""
