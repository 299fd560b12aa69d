"""The report a reviewer reads: one screen of summary, one finding per change to the contract with its SDK changes
said compactly, the bump that follows the SDK's users, and Markdown that fits a pull-request comment."""

from __future__ import annotations

import pytest

from pbx_spec.diff.changes import Axis, Bump, Change, Kind, SdkName
from pbx_spec.diff.compare import compare
from pbx_spec.diff.findings import Origin, Section
from pbx_spec.diff.json_report import with_table
from pbx_spec.diff.markdown import COMMENT_LIMIT, size, visible_lines
from pbx_spec.diff.report import Report
from pbx_spec.diff.revisions import Revision
from tests.repository import ROOT

from .revision_pairs import PAIRS, base_revision, remove_body_limit, revised

SCREEN = 40  # lines of Markdown outside collapsed <details>


def _pair(name: str) -> Revision:
    return revised(next(pair for pair in PAIRS if pair.name == name))


@pytest.mark.slow
def test_name_required_in_the_update_fits_one_screen(base: Revision, revisions: dict[str, Revision]) -> None:
    report = compare(base, revisions["request-field-required"])
    text = report.to_markdown()
    shown = visible_lines(text)
    assert len(shown) <= SCREEN, "\n".join(shown)
    assert len(text.splitlines()) > 100, "the SDK's changes one by one are there, collapsed"
    # One change to the contract, with its 147 SDK changes traced to it and said in a few lines.
    (finding,) = report.findings
    assert finding.rule == "property-became-required" and len(finding.sdk) > 100
    assert [report.breaking_count(axis) for axis in Axis] == [1, 1, 1]
    visible = "\n".join(shown)
    assert "removed: 16 keyword parameters of `update_client` and `update_client_info`, in all 4 classes of " in visible
    assert "now required: keyword parameter `name` of `ClientUpdate()`" in visible
    assert "Decided by: `ClientUpdate.name`: property `name` became required (request, narrowed)." in visible


@pytest.mark.slow
def test_sdk_changes_no_wire_change_explains_are_a_finding_of_their_own(
    base: Revision, revisions: dict[str, Revision]
) -> None:
    report = compare(base, revisions["enum-moved-to-a-component"])
    (finding,) = [finding for finding in report.findings if finding.origin is Origin.SDK]
    assert finding.section is Section.USERS and report.bump is Bump.MAJOR
    assert any("`ClientUpdateType`" in line for line in finding.sdk_summary())


@pytest.mark.slow
def test_an_added_operation_is_a_minor_release_that_servers_must_follow(
    base: Revision, revisions: dict[str, Revision]
) -> None:
    report = compare(base, revisions["operation-added"])
    assert report.bump is Bump.MINOR
    assert report.breaking(Axis.SERVER) and not report.breaking(Axis.WIRE) and not report.breaking(Axis.SDK)
    deciding = report.deciding
    assert deciding is not None and deciding.rule == "operation-added" and deciding.section is Section.SERVERS
    text = report.to_markdown()
    assert "### Breaks only servers under conformance (1)" in text
    assert "added: method `delete_client`, in all 4 classes of `pbx_api.api`" in text
    assert "added: module `default` of `pbx_api.api`" in text, "the module of the operation's tag, with it"
    assert "where no change on the wire explains it" not in text


def test_a_change_reached_in_both_directions_is_one_finding() -> None:
    report = compare(base_revision(), _pair("shared-constraint-widened"), sdk=False)
    (finding,) = report.findings
    assert finding.title == "`Client.geo_list`: `maxLength` increased from 1024 to 2048 (request and response, widened)"
    assert set(finding.breaks) == {Axis.WIRE, Axis.SERVER}


def test_a_moved_operation_is_one_change_not_a_removal_and_an_addition() -> None:
    report = compare(base_revision(), _pair("path-renamed"), sdk=False)
    assert {finding.rule for finding in report.findings} == {"operation-moved"}
    assert report.breaking_count(Axis.WIRE) == 2  # getClientInfo and updateClientInfo


def test_markdown_is_cut_to_a_comment_with_a_note() -> None:
    changes = [_sdk_break(index) for index in range(400)] + [_documentation(index) for index in range(400)]
    report = Report("base", "revision", changes)
    whole = report.to_markdown()
    assert size(whole) > COMMENT_LIMIT
    cut = report.to_markdown(limit=COMMENT_LIMIT)
    assert size(cut) <= COMMENT_LIMIT
    assert "Cut to fit a pull-request comment (65,536 characters)" in cut
    assert "| the generated SDK | **breaks** |" in cut, "the summary is never cut"
    assert "`pbx-spec diff --format html` or `--format json` has everything" in cut


def test_a_report_that_fits_is_not_cut() -> None:
    report = Report("base", "revision", [_documentation(1)])
    assert report.to_markdown(limit=COMMENT_LIMIT) == report.to_markdown()
    assert "Cut to fit" not in report.to_markdown()


def test_text_from_the_spec_never_becomes_html() -> None:
    change = Change("enum-value-added", "value '<img src=x onerror=alert(1)>' added", "/components/schemas/A/enum")
    text = Report("base", "revision", [change]).to_markdown()
    assert "<img" not in text and "&lt;img src=x onerror=alert(1)&gt;" in text


def _sdk_break(index: int) -> Change:
    owner = f"pbx_api.models.m{index}.Model{index}"
    name = SdkName(owner, None, f"field_{index}", "attribute", before="str", after="int")
    return Change(
        "sdk-attribute-type-changed",
        f"`pbx_api.models.m{index}.Model{index}.field_{index}`: type changed from `str` to `int` " + "x" * 100,
        where=f"`pbx_api.models.m{index}.Model{index}.field_{index}` (pbx_api/models/m{index}.py:1)",
        breaks={Axis.SDK: "code reading or setting it was written for the old type"},
        sdk=name,
        origin="released",
    )


def _documentation(index: int) -> Change:
    pointer = f"/components/schemas/Schema{index}/properties/field/description"
    return Change("description-changed", "`description` changed", pointer, line=index + 1, kind=Kind.DOCUMENTATION)


CHANGE_REPORT_PAGE = ROOT / "docs" / "maintainers" / "change-report.md"


def test_the_pages_table_of_json_fields_is_the_schemas() -> None:
    page = CHANGE_REPORT_PAGE.read_text(encoding="utf-8")
    assert with_table(page) == page, "run `python -m pbx_spec.diff.json_report write docs/maintainers/change-report.md`"


@pytest.mark.slow
def test_the_pages_example_is_what_the_report_says(base: Revision, revisions: dict[str, Revision]) -> None:
    page = CHANGE_REPORT_PAGE.read_text(encoding="utf-8")
    example = page.split("```markdown\n", 1)[1].split("```", 1)[0]
    report = compare(base, revisions["request-field-required"])
    shown = visible_lines(report.to_markdown())
    for line in example.splitlines():
        if line.startswith(("  - ", "- breaks", "| ", "Decided by", "**Suggested")):
            assert line in shown, f"the page's example says {line!r}; the report now says:\n" + "\n".join(shown)


def test_a_body_limit_added_where_there_was_none_breaks_only_servers() -> None:
    # The pairs edit today's contract, which has the limit; this is the other way, as released/ to today's was:
    # BASE documents the 413 with no size, REVISION says from which size.
    without_limit = type(PAIRS[0])("no-limit", remove_body_limit, True, False, False, "major", "the limit removed")
    report = compare(revised(without_limit), base_revision(), sdk=False)
    (change,) = [change for change in report.changes if change.rule.startswith("body-limit")]
    assert change.rule == "body-limit-added" and set(change.breaks) == {Axis.SERVER}, report.to_markdown()
    assert report.bump is Bump.PATCH and change.pointer == "/components/responses/PayloadTooLarge/x-max-body-bytes"
