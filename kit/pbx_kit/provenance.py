"""Where each statement of the contract comes from: the provider's documentation, or a decision of this contract.

openapi.yaml marks every operation, response, parameter, header, request body, security scheme, schema and
field with `x-provenance`:

    x-provenance:
      source:                        # documented by the provider
        - page: EN-CLIENT            # a key of info.x-provenance-sources (title and address of the page)
          section: the Client data structure, `geo_list`
          rules: [enum]              # optional: the field's rules this section documents
      decided:                       # decided by this contract, where the provider is silent
        maxLength: one-line reason

This module checks those marks (`problems`), renders them into the descriptions readers see
(`with_provenance_rendered`) and lists the decisions (`decisions`, `decision_table`: the table of the
documentation site's page docs/reviewers/decisions.md).

    python -m pbx_kit.provenance table            # the decision table, as Markdown
    python -m pbx_kit.provenance check PAGE.md    # exit 1 when the page's table differs from openapi.yaml
    python -m pbx_kit.provenance write PAGE.md    # rewrite the page's table from openapi.yaml
"""

from __future__ import annotations

import copy
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pbx_kit.contract import HTTP_METHODS, is_nullable, load_document

EXTENSION = "x-provenance"
SOURCES = "x-provenance-sources"
# The rules a field's schema can state; each one present must be documented by a source or decided.
RULE_KEYWORDS = ("nullable", "readOnly", "format", "pattern", "minLength", "maxLength", "minimum", "maximum", "enum")
TABLE_BEGIN = "<!-- decision-table:begin (generated from openapi.yaml by pbx_kit.provenance) -->"
TABLE_END = "<!-- decision-table:end -->"
WRITE_COMMAND = ".venv/bin/python -m pbx_kit.provenance write"


@dataclass(frozen=True)
class Marked:
    """A node of the document that must say where it comes from: what kind, where, and the node itself."""

    kind: str
    where: str
    node: Mapping[str, Any]


def marked_nodes(document: Mapping[str, Any]) -> Iterator[Marked]:
    """Every node that must carry `x-provenance`, in document order."""
    for tag in document.get("tags", []):
        yield Marked("tag", f"tag {tag['name']}", tag)
    for path, item in document.get("paths", {}).items():
        for method in HTTP_METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            yield Marked("operation", f"{method.upper()} {path}", operation)
            for status, response in operation.get("responses", {}).items():
                if "$ref" not in response:
                    yield Marked("response", f"{method.upper()} {path} {status}", response)
    components = document.get("components", {})
    for section, kind in (
        ("securitySchemes", "security scheme"),
        ("parameters", "parameter"),
        ("headers", "header"),
        ("requestBodies", "request body"),
        ("responses", "response"),
    ):
        for name, node in components.get(section, {}).items():
            yield Marked(kind, f"{section}.{name}", node)
    for name, schema in components.get("schemas", {}).items():
        yield Marked("schema", name, schema)
        for field, node in schema.get("properties", {}).items():
            if "$ref" not in node:  # a reference has the provenance of what it points to
                yield Marked("field", f"{name}.{field}", node)


def rules_of(schema: Mapping[str, Any]) -> set[str]:
    """The rules a field's schema states (`nullable` for a type that allows null)."""
    rules = {keyword for keyword in RULE_KEYWORDS if keyword in schema}
    if is_nullable(schema):
        rules.add("nullable")
    return rules


def problems(document: Mapping[str, Any]) -> list[str]:
    """What is wrong with the document's provenance: each a sentence naming the node. Empty when all is marked."""
    sources = document["info"].get(SOURCES, {})
    found: list[str] = []
    for marked in marked_nodes(document):
        provenance = marked.node.get(EXTENSION)
        if not isinstance(provenance, Mapping):
            found.append(f"{marked.kind} {marked.where}: no {EXTENSION}")
            continue
        cited = provenance.get("source") or []
        decided = provenance.get("decided") or {}
        if not cited and not decided:
            found.append(f"{marked.kind} {marked.where}: {EXTENSION} has neither a source nor a decision")
        documented_rules: set[str] = set()
        for entry in cited:
            if entry.get("page") not in sources:
                found.append(f"{marked.kind} {marked.where}: source page {entry.get('page')!r} is not in {SOURCES}")
            if not str(entry.get("section", "")).strip():
                found.append(f"{marked.kind} {marked.where}: a source names no section")
            documented_rules.update(entry.get("rules", []))
        for rule, reason in decided.items():
            if not isinstance(reason, str) or not reason.strip() or "\n" in reason.strip():
                found.append(f"{marked.kind} {marked.where}: the decision {rule!r} needs a one-line reason")
        if marked.kind == "field":
            for rule in sorted(rules_of(marked.node) - documented_rules - set(decided)):
                found.append(f"field {marked.where}: its rule {rule!r} is neither documented by a source nor decided")
    return found


def render(provenance: Mapping[str, Any], sources: Mapping[str, Any]) -> str:
    """The provenance as Markdown, for the end of a description."""
    parts = []
    cited = provenance.get("source") or []
    if cited:
        pages = "; ".join(
            f"[{sources[entry['page']]['title']}]({sources[entry['page']]['url']}), {entry['section']}"
            for entry in cited
        )
        parts.append(f"**Documented by the provider:** {pages}.")
    decided = provenance.get("decided") or {}
    if decided:
        reasons = " ".join(f"*{rule}*: {_sentence(reason)}" for rule, reason in decided.items())
        parts.append(f"**Decided by this contract:** {reasons}")
    return "\n\n".join(parts)


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def with_provenance_rendered(document: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of the document whose descriptions end with their node's rendered provenance."""
    rendered: dict[str, Any] = copy.deepcopy(dict(document))
    sources = rendered["info"].get(SOURCES, {})
    for marked in marked_nodes(rendered):
        node: Any = marked.node
        provenance = node.get(EXTENSION)
        if isinstance(provenance, Mapping):
            text = render(provenance, sources)
            node["description"] = f"{node['description'].rstrip()}\n\n{text}" if node.get("description") else text
    return rendered


def decisions(document: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """Every decision of the contract: (where, what is decided, why), in document order."""
    return [
        (marked.where, rule, reason.strip())
        for marked in marked_nodes(document)
        for rule, reason in ((marked.node.get(EXTENSION) or {}).get("decided") or {}).items()
    ]


def decision_table(document: Mapping[str, Any]) -> str:
    """The decisions as a Markdown table."""
    lines = ["| where | decided | why |", "|---|---|---|"]
    for where, rule, reason in decisions(document):
        lines.append(f"| `{where}` | {_cell(rule)} | {_cell(reason)} |")
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def table_in(text: str) -> str:
    """The decision table between the markers."""
    begin, end = text.index(TABLE_BEGIN) + len(TABLE_BEGIN), text.index(TABLE_END)
    return text[begin:end].strip()


def with_table(text: str, table: str) -> str:
    begin, end = text.index(TABLE_BEGIN) + len(TABLE_BEGIN), text.index(TABLE_END)
    return f"{text[:begin]}\n{table}\n{text[end:]}"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    document = load_document()
    if args == ["table"]:
        print(decision_table(document))
        return 0
    if len(args) == 2 and args[0] in {"check", "write"}:
        readme = Path(args[1])
        text = readme.read_text(encoding="utf-8")
        if args[0] == "write":
            readme.write_text(with_table(text, decision_table(document)), encoding="utf-8")
            return 0
        if table_in(text) != decision_table(document):
            print(f"{readme}: the decision table differs from openapi.yaml; run `{WRITE_COMMAND} {readme}`")
            return 1
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
