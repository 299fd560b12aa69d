"""The pages that mirror code or the spec are what `python -m pbx_docs write` writes from it: a changed check, fault,
decision, option or variable changes its page, and a page that differs fails here (and `make docs`)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from schemathesis.checks import CHECKS

import pbx_api.client
from pbx_conformance.registry import forget, scenario_check
from pbx_conformance.spec import reads
from pbx_docs import __main__ as command_line
from pbx_docs import checks, commands, environment, pages
from pbx_emulator import faults

from .site import DOCS


@pytest.fixture
def docs_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "docs"
    shutil.copytree(DOCS, copy)
    return copy


def test_every_generated_page_is_what_the_code_says() -> None:
    assert pages.stale() == [], "run `make docs-pages`"
    assert command_line.main(["check"]) == 0


def test_a_hand_edited_table_is_found_and_written_back(docs_copy: Path) -> None:
    page = docs_copy / "reference" / "faults.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("`id` is returned as a string", "`id` is returned as a float"), encoding="utf-8")
    decisions = docs_copy / "reviewers" / "decisions.md"
    decisions.write_text(decisions.read_text(encoding="utf-8").replace("| same resource |", "| one resource |"))
    assert pages.stale(docs_copy) == [docs_copy / "reference" / "faults.md", docs_copy / "reviewers" / "decisions.md"]
    assert sorted(pages.write(docs_copy)) == sorted([page, decisions])
    assert page.read_text(encoding="utf-8") == text
    assert pages.stale(docs_copy) == []


def test_a_missing_page_and_the_page_of_a_check_that_is_gone_are_found(docs_copy: Path) -> None:
    (docs_copy / "reference" / "commands.md").unlink()
    gone = docs_copy / checks.FOLDER / "a_check_that_was_removed.md"
    gone.write_text("# a_check_that_was_removed\n", encoding="utf-8")
    assert sorted(pages.stale(docs_copy)) == sorted([docs_copy / "reference" / "commands.md", gone])
    pages.write(docs_copy)
    assert not gone.exists() and pages.stale(docs_copy) == []


@pytest.fixture
def throwaway_check() -> Iterator[str]:
    @scenario_check(reads)
    def docs_throwaway_reads_twice(ctx: object, operation: object) -> None:
        """Two reads in a row answer the same client."""

    yield docs_throwaway_reads_twice.__name__
    forget(docs_throwaway_reads_twice.__name__)


def test_a_new_check_gets_its_page_and_its_row_from_the_registry(throwaway_check: str) -> None:
    written = checks.pages()
    page = written[f"{checks.FOLDER}/{throwaway_check}.md"]
    assert "Two reads in a row answer the same client." in page
    assert "`GET /client/{client_id}/client/`" in page and "**writes**" not in page
    assert f"[`{throwaway_check}`]({throwaway_check}.md)" in written[f"{checks.FOLDER}/index.md"]


def test_a_new_fault_gets_its_row(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(faults.FAULTS, "docs-throwaway", "answers every read twice")
    assert "| `docs-throwaway` | answers every read twice |" in pages.BLOCKS["fault-table"]()


def test_every_command_and_option_is_on_the_commands_page() -> None:
    page = (DOCS / "reference" / "commands.md").read_text(encoding="utf-8")
    found = commands.commands()
    assert {command.name for command in found} >= {"pbx-conformance", "pbx-emulator", "pbx-overlay", "pbx-spec"}
    for command in found:
        assert f"## `{command.name}`" in page
        stack = [command.parser]
        while stack:
            parser = stack.pop()
            stack += [sub for _, _, sub in commands._subcommands(parser)]
            for action in parser._actions:
                for option in action.option_strings:
                    if option not in {"-h", "--help"}:
                        assert f"`{option}" in page or f", {option}" in page, (parser.prog, option)


def test_every_built_in_check_of_schemathesis_is_explained_and_no_other() -> None:
    own = {check.name for check in checks.own_checks()}
    assert set(checks.BUILT_IN) == {function.__name__ for function in CHECKS.get_all()} - own


def test_the_sdk_variables_are_the_ones_the_sdk_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    assert [row[0] for row in environment.sdk_variables()] == list(pbx_api.client.ENVIRONMENT)
    monkeypatch.setattr(pbx_api.client, "ENVIRONMENT", (*pbx_api.client.ENVIRONMENT, "PBX_PROXY"))
    with pytest.raises(RuntimeError, match="PBX_PROXY"):
        environment.sdk_variables()


def test_the_retry_defaults_are_the_classes() -> None:
    import dataclasses

    table = pages.BLOCKS["sdk-retry-defaults"]()
    for field in dataclasses.fields(pbx_api.Retry):
        assert f"| `{field.name}` |" in table
    assert "| `max_retries` | 2 |" in table and "| `statuses` | 408, 429, 500, 502, 503, 504 |" in table


def test_an_unknown_block_name_is_an_error(docs_copy: Path) -> None:
    page = docs_copy / "index.md"
    page.write_text(
        page.read_text(encoding="utf-8") + "\n<!-- pbx-docs:begin nothing -->\n<!-- pbx-docs:end nothing -->\n"
    )
    with pytest.raises(KeyError, match="no generated block named 'nothing'"):
        pages.expected(docs_copy)
