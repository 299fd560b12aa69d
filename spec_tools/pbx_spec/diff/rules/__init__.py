"""The wire and server rules: one file per family, one small function per kind of change, named for it.

Families (as oasdiff's checker/ groups its checks): `documentation` (descriptions, examples, deprecation, info,
tags), `servers`, `security` (schemes, flows, scopes, requirements), `operations` (added, removed, moved, and
what each says), `parameters`, `bodies` (request bodies and media types), `responses`, `headers`, `components`
(schemas added or removed, for the SDK's sake), `extensions` (`x-*` keys; each one read by the kit has its
own rule, `x-max-body-bytes` in `bodies`), and `schemas` (how a change moves the values a schema allows).
`context` holds what every rule is given: the `Comparison` (both revisions, where the walk stands, the changes
found) and the node being compared on both sides (`Pair`, and `OperationPair` for the pair of operations).

Schema rules say how a change moves the set of values a schema allows (`Effect`); whether that breaks clients or
servers depends on whether the schema is a request's or a response's, and `changes.EFFECT_BREAKS` says which.
Rules of operations, parameters, responses and security name the axes they break themselves.

Adding a rule: write a function next to the others of its family, with that family's signature, add it to the
family's list where there is one (`SCHEMA_RULES`, `OPERATION_RULES`, `DOCUMENT_RULES`) or call it from the rule
that walks its part, and add a revision pair to tests/spec_diff/revision_pairs.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from pbx_spec.diff.changes import Change
from pbx_spec.diff.revisions import Revision
from pbx_spec.diff.rules.components import schema_added, schema_removed
from pbx_spec.diff.rules.context import Comparison
from pbx_spec.diff.rules.documentation import examples_changed, info_changed, tags_changed
from pbx_spec.diff.rules.extensions import extensions_changed
from pbx_spec.diff.rules.operations import paths_changed
from pbx_spec.diff.rules.security import security_schemes_changed
from pbx_spec.diff.rules.servers import server_url_added, server_url_removed

DocumentRule = Callable[[Comparison, Mapping[str, Any], Mapping[str, Any]], Iterator[Change]]

DOCUMENT_RULES: tuple[DocumentRule, ...] = (
    info_changed,
    server_url_removed,
    server_url_added,
    tags_changed,
    security_schemes_changed,
    paths_changed,
    examples_changed,
    schema_removed,
    schema_added,
    extensions_changed,
)


def compare_documents(base: Revision, revision: Revision) -> list[Change]:
    """Every wire, server and documentation change from `base` to `revision`, deduplicated, in document order."""
    comparison = Comparison(base, revision)
    for document_rule in DOCUMENT_RULES:
        for change in document_rule(comparison, base.document, revision.document):
            comparison.record(change)
    return sorted(comparison.found.values(), key=_order)


def _order(change: Change) -> tuple[int, int, str]:
    return (0 if change.side == "revision" else 1, change.line or 0, change.rule)
