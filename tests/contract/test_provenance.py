"""Every statement of openapi.yaml says whether the provider documents it (where) or the contract decided it (why).

Issue 12.1: each operation, response and field carries `x-provenance`; the decisions reviewers look for are
marked; the site's decision table (docs/reviewers/decisions.md) is the document's; the rendered descriptions show
the provenance.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from pbx_kit import contract, provenance

DOCUMENT = contract.load_document()
README = contract.ROOT / "docs" / "reviewers" / "decisions.md"  # where the decision table is
CLIENT_FIELDS = DOCUMENT["components"]["schemas"]["Client"]["properties"]

# The decisions issue 12 names, each (where, what is decided): a reviewer must find each one marked.
REVIEWED_DECISIONS = [
    ("responses.PayloadTooLarge", "Body size limit and 413"),
    ("responses.UnsupportedMediaType", "status 415"),
    ("Client.language", "pattern"),
    ("Client.geo_list", "empty string"),
    ("PUT /client/client_info/{client_id}/", "PUT on the client_info path"),
    ("tag client", "same resource"),
    ("ValidationError", "body shape"),
    ("responses.BadRequest", "body"),
    ("parameters.ClientId", "not a number"),
]


def decided(where: str) -> dict[str, str]:
    node = next(marked.node for marked in provenance.marked_nodes(DOCUMENT) if marked.where == where)
    return dict(node["x-provenance"].get("decided") or {})


def test_every_operation_response_and_field_carries_provenance() -> None:
    assert provenance.problems(DOCUMENT) == []


def test_the_check_walks_every_operation_response_and_field() -> None:
    kinds: dict[str, set[str]] = {}
    for marked in provenance.marked_nodes(DOCUMENT):
        kinds.setdefault(marked.kind, set()).add(marked.where)
    operations = {
        f"{method.upper()} {path}"
        for path, item in DOCUMENT["paths"].items()
        for method in contract.HTTP_METHODS
        if method in item
    }
    assert kinds["operation"] == operations
    assert {f"responses.{name}" for name in DOCUMENT["components"]["responses"]} <= kinds["response"]
    assert {f"Client.{name}" for name in CLIENT_FIELDS} <= kinds["field"]
    assert {"parameter", "header", "request body", "schema", "security scheme"} <= set(kinds)


@pytest.mark.parametrize(("where", "rule"), REVIEWED_DECISIONS)
def test_each_decision_reviewers_look_for_is_marked(where: str, rule: str) -> None:
    assert decided(where).get(rule, "").strip()


@pytest.mark.parametrize(
    "field", [name for name, node in CLIENT_FIELDS.items() if "maxLength" in node or contract.is_nullable(node)]
)
def test_every_max_length_and_nullable_field_is_decided(field: str) -> None:
    reasons = decided(f"Client.{field}")
    node = CLIENT_FIELDS[field]
    if "maxLength" in node:
        assert reasons.get("maxLength"), "the provider states no maximum length anywhere"
    if contract.is_nullable(node):
        assert reasons.get("nullable"), "the provider says nothing of null"


@pytest.mark.parametrize("field", sorted(contract.read_only_fields()))
def test_every_read_only_field_is_documented_or_decided(field: str) -> None:
    marks = CLIENT_FIELDS[field]["x-provenance"]
    documented = {rule for entry in marks.get("source", []) for rule in entry.get("rules", [])}
    assert "readOnly" in documented or decided(f"Client.{field}").get("readOnly")


def _drop_field_provenance(document: dict[str, Any]) -> str:
    del document["components"]["schemas"]["Client"]["properties"]["email"]["x-provenance"]
    return "field Client.email: no x-provenance"


def _drop_response_provenance(document: dict[str, Any]) -> str:
    del document["components"]["responses"]["NotFound"]["x-provenance"]
    return "response responses.NotFound: no x-provenance"


def _drop_operation_provenance(document: dict[str, Any]) -> str:
    del document["paths"]["/client/{client_id}/client/"]["get"]["x-provenance"]
    return "operation GET /client/{client_id}/client/: no x-provenance"


def _add_an_undecided_rule(document: dict[str, Any]) -> str:
    document["components"]["schemas"]["Client"]["properties"]["prefix"]["maxLength"] = 16
    return "field Client.prefix: its rule 'maxLength' is neither documented by a source nor decided"


def _cite_an_unlisted_page(document: dict[str, Any]) -> str:
    document["components"]["responses"]["NotFound"]["x-provenance"]["source"][0]["page"] = "NOWHERE"
    return "response responses.NotFound: source page 'NOWHERE' is not in x-provenance-sources"


def _give_a_long_reason(document: dict[str, Any]) -> str:
    document["components"]["responses"]["PayloadTooLarge"]["x-provenance"]["decided"]["Body size limit and 413"] = (
        "first line\nsecond line"
    )
    return "response responses.PayloadTooLarge: the decision 'Body size limit and 413' needs a one-line reason"


def _leave_it_empty(document: dict[str, Any]) -> str:
    document["components"]["headers"]["WWW-Authenticate"]["x-provenance"] = {"decided": {}}
    return "header headers.WWW-Authenticate: x-provenance has neither a source nor a decision"


def _add_an_operation_without_provenance(document: dict[str, Any]) -> str:
    item = document["paths"]["/client/{client_id}/client/"]
    item["delete"] = {key: value for key, value in item["get"].items() if key != "x-provenance"}
    return "operation DELETE /client/{client_id}/client/: no x-provenance"


BREAKAGES = [
    _drop_field_provenance,
    _drop_response_provenance,
    _drop_operation_provenance,
    _add_an_undecided_rule,
    _cite_an_unlisted_page,
    _give_a_long_reason,
    _leave_it_empty,
    _add_an_operation_without_provenance,
]


@pytest.mark.parametrize("breakage", BREAKAGES, ids=lambda breakage: breakage.__name__.strip("_"))
def test_the_check_names_each_kind_of_missing_provenance(breakage: Any) -> None:
    document = copy.deepcopy(dict(DOCUMENT))
    expected = breakage(document)
    assert provenance.problems(document) == [expected]


def test_readme_decision_table_is_the_documents() -> None:
    assert provenance.table_in(README.read_text(encoding="utf-8")) == provenance.decision_table(DOCUMENT)


def test_decision_table_follows_a_changed_decision() -> None:
    document = copy.deepcopy(dict(DOCUMENT))
    document["components"]["schemas"]["Client"]["properties"]["language"]["x-provenance"]["decided"]["pattern"] = (
        "A new reason."
    )
    table = provenance.decision_table(document)
    assert "| `Client.language` | pattern | A new reason. |" in table
    assert table != provenance.table_in(README.read_text(encoding="utf-8"))


def test_every_decision_is_a_row_of_the_table() -> None:
    table = provenance.decision_table(DOCUMENT)
    rows = table.splitlines()[2:]
    assert len(rows) == len(provenance.decisions(DOCUMENT))
    assert "| `Client.geo_list` | empty string |" in table


def test_rendered_descriptions_show_the_source_page_and_each_decision() -> None:
    rendered = provenance.with_provenance_rendered(DOCUMENT)
    sources = DOCUMENT["info"]["x-provenance-sources"]
    geo_list = rendered["components"]["schemas"]["Client"]["properties"]["geo_list"]["description"]
    assert geo_list.startswith(CLIENT_FIELDS["geo_list"]["description"].rstrip())
    assert f"[{sources['EN-CLIENT']['title']}]({sources['EN-CLIENT']['url']})" in geo_list
    assert "**Decided by this contract:** *empty string*:" in geo_list
    too_large = rendered["components"]["responses"]["PayloadTooLarge"]["description"]
    assert "**Documented by the provider:**" not in too_large
    assert "*Body size limit and 413*: The provider states no size limit" in too_large
    for marked in provenance.marked_nodes(rendered):
        assert ("Documented by the provider" in marked.node["description"]) == bool(
            marked.node["x-provenance"].get("source")
        ), marked.where
    assert (
        DOCUMENT["components"]["schemas"]["Client"]["properties"]["geo_list"]["description"]
        == (CLIENT_FIELDS["geo_list"]["description"])
    ), "the document itself is left as it is"


def test_command_line_check_fails_on_a_stale_readme(tmp_path: Any) -> None:
    stale = tmp_path / "README.md"
    text = README.read_text(encoding="utf-8")
    stale.write_text(text.replace("| `Client.geo_list` | empty string |", "| `Client.geo_list` | emptiness |"))
    assert provenance.main(["check", str(stale)]) == 1
    assert provenance.main(["write", str(stale)]) == 0
    assert provenance.main(["check", str(stale)]) == 0
    assert stale.read_text(encoding="utf-8") == text
