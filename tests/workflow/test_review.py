"""`microcred review`: the review packet, and that record text cannot inject markup into it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from factories import RegistryFactory, award_data, credential_data
from microcred.review import escape, link

from .helpers import run_cli

HOSTILE = "<script>alert(1)</script> [click](javascript:alert(2)) ![img](https://evil.example/x.png) | cell | **bold**"


@pytest.mark.parametrize(
    "text,forbidden",
    [
        ("<script>alert(1)</script>", "<script>"),
        ("<img src=x onerror=alert(1)>", "<img"),
        ("[click](javascript:alert(2))", "](javascript"),
        ("![x](https://evil.example/p.png)", "!["),
        ("a | b", " | "),
        ("line one\n\n# Heading", "\n"),
        ("`code` and *emphasis*", "`code`"),
    ],
    ids=["script", "html-attribute", "markdown-link", "image", "table-pipe", "newline-heading", "inline-code"],
)
def test_escape_neutralises_markup(text: str, forbidden: str) -> None:
    assert forbidden not in escape(text)


def test_links_keep_only_web_addresses() -> None:
    assert link("x", "javascript:alert(1)") == "[x](#)"
    target = link("t", "https://example.org/a_(b)?q='x'")
    assert re.fullmatch(r"\[t\]\(https://example\.org/a_%28b%29\?q=%27x%27\)", target), target


@pytest.fixture
def registry(tmp_path: Path) -> Path:
    hostile_award = award_data("test-award-hostile", decision=None)
    hostile_award["submission"]["goal"] = HOSTILE
    hostile_award["submission"]["evidence"][0]["title"] = "Clip </td><script>x</script>"
    thin = award_data("test-award-thin", decision=None)
    thin["submission"]["evidence"] = thin["submission"]["evidence"][:1]
    factory = RegistryFactory(
        tmp_path / "registry",
        credentials=[credential_data(summary=HOSTILE)],
        awards=[award_data("test-award-1"), hostile_award, thin],
    )
    factory.awards[0]["assessments"][0]["feedback"] = HOSTILE
    return factory.write()


def test_packet_sections(registry: Path) -> None:
    result = run_cli("review", "test-award-1", "--root", registry)
    assert result.code == 0
    out = result.out
    for heading in ("## Review packet: test\\-award\\-1", "### Evidence by requirement", "### Rubric",
                    "### Criteria to score", "### Assessments"):
        assert heading in out
    assert "version 1" in out
    assert "| **Questions**<br>*reads:* video | beginning questions | developing questions |" in out
    assert "[Clip](https://media.example.org/clip) (8 min)" in out
    assert "(300 words)" in out
    assert "- [ ] `questions`: Questions" in out
    assert "All evidence requirements are met." in out
    assert "Disagreements" not in out  # one assessor required


def test_packet_names_unmet_requirements(registry: Path) -> None:
    out = run_cli("review", "test-award-thin", "--root", registry).out
    assert "**Unmet requirements:** reflection" in out
    assert "**no**: 1 item needed, 0 given" in out


def test_packet_escapes_record_text(registry: Path) -> None:
    out = "".join(run_cli("review", name, "--root", registry).out for name in ("test-award-1", "test-award-hostile"))
    assert "<script" not in out and "</td>" not in out
    assert "](javascript" not in out and "![" not in out
    for line in out.splitlines():
        if line.startswith("| ") and "Requirement" not in line and "---" not in line:
            # every table row keeps its column count: no unescaped pipe from record text
            assert len(re.findall(r"(?<!\\)\|", line)) in (4, 6), line


def test_unknown_award(registry: Path) -> None:
    result = run_cli("review", "no-such-award", "--root", registry)
    assert result.code == 2
    assert "no award 'no-such-award'" in result.err


def test_review_needs_an_id_or_base(registry: Path) -> None:
    assert run_cli("review", "--root", registry).code == 2
