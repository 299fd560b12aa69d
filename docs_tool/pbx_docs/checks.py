"""The checks' pages, from the suite's registry: what each promises, how it can fail, what it sends.

Sources, each read where it lives: the registry (`pbx_conformance.registry`, filled when `pbx_conformance.checks`
is imported), schemathesis's own registry of built-in checks and the suite's list of those that cannot apply
(`schemathesis_engine.unrunnable_checks`), the promises of conformance/PROMISES.md (held to the code by its own
test), and the emulator faults each check is proven to catch (tests/conformance/test_faults.py's FAULT_BREAKS,
which that test runs).
"""

from __future__ import annotations

import inspect
import re
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import schemathesis.specs.openapi.checks  # noqa: F401  (schemathesis's built-in checks register on import)
from schemathesis.checks import CHECKS

import pbx_conformance.checks
from pbx_conformance import registry, schemathesis_engine
from pbx_docs.markdown import GENERATED_NOTE, code, first_line, paragraphs, table
from tests.conformance.test_faults import FAULT_BREAKS

FOLDER = "qa/checks"
PROMISES = Path(inspect.getfile(pbx_conformance.checks)).parents[1] / "PROMISES.md"

# What each of schemathesis's built-in checks holds a server to, in this API's words. Schemathesis documents most
# of them by name only; the test beside this package fails when a built-in check is missing here or a name here
# is no longer one of schemathesis's.
BUILT_IN: dict[str, str] = {
    "not_a_server_error": "it answers 5xx",
    "status_code_conformance": "it answers a status the operation does not document (e.g. 422 for a validation error)",
    "content_type_conformance": "the `Content-Type` is not the documented `application/json`",
    "response_headers_conformance": "a documented header (`X-RateLimit-*`, `WWW-Authenticate` on 401) is missing "
    "or malformed",
    "response_schema_conformance": "a body does not match its schema (a field missing, a wrong type, an unknown field)",
    "negative_data_rejection": "it accepts (2xx) a request the document says is invalid",
    "positive_data_acceptance": "it rejects a request the document says is valid",
    "missing_required_header": "it does not reject a request that leaves out a required header",
    "unsupported_method": "it answers a method the path does not document (`PATCH`, `DELETE`, ...) with anything "
    "but 405 and `Allow`",
    "allow_header_conformance": "its `Allow` header (on `OPTIONS`) names other methods than the document's",
    "ignored_auth": "an operation that requires authentication answers without it",
    "use_after_free": "a deleted resource can still be read",
    "ensure_resource_availability": "a resource just created cannot be read",
    "object_level_authorization": "one identity can read an object another identity created",
}


@dataclass(frozen=True)
class Check:
    name: str
    kind: str  # "response" or "scenario"
    function: Callable[..., object]
    operations: tuple[str, ...]  # the labels it runs on; empty for a response check (every response)
    writes: bool
    token_endpoint: bool

    @property
    def page(self) -> str:
        return f"{FOLDER}/{self.name}.md"


def own_checks() -> list[Check]:
    found = [
        Check(check.name, "response", check.function, (), False, check.token_endpoint)
        for check in registry.response_checks()
    ]
    found += [
        Check(check.name, "scenario", check.function, tuple(op.label for op in check.operations()), check.writes, True)
        for check in registry.scenario_checks()
    ]
    return found


def built_in_names() -> list[str]:
    own = {check.name for check in own_checks()}
    return [function.__name__ for function in CHECKS.get_all() if function.__name__ not in own]


def faults_caught(name: str) -> tuple[list[str], list[str]]:
    """The emulator faults this check is proven to fail on: as the fault's named check, and as a check that may
    fail as well."""
    first = sorted(fault for fault, (check, _) in FAULT_BREAKS.items() if check == name)
    also = sorted(fault for fault, (check, others) in FAULT_BREAKS.items() if name in others and check != name)
    return first, also


def promises() -> list[tuple[str, str, str, str]]:
    """PROMISES.md's rows: (number, promise, held by, how)."""
    rows = []
    for line in PROMISES.read_text(encoding="utf-8").splitlines():
        cells = [part.strip() for part in re.split(r"(?<!\\)\|", line)[1:-1]]
        if len(cells) == 4 and cells[0].isdigit():
            rows.append((cells[0], cells[1], cells[2], cells[3]))
    return rows


def _promises_held(name: str) -> Iterator[tuple[str, str, str]]:
    for number, promise, held_by, how in promises():
        if f"`{name}`" in held_by:
            yield number, promise, how


def check_page(check: Check) -> str:
    lines = [GENERATED_NOTE, "", f"# {check.name}", "", "## The promise", "", paragraphs(check.function.__doc__), ""]
    held = list(_promises_held(check.name))
    if held:
        lines += ["Promises of `openapi.yaml` it holds ([all promises](index.md#promises)):", ""]
        lines += [f"- {promise} ({number}): {how}" for number, promise, how in held]
        lines.append("")
    lines += ["## What it sends", ""]
    if check.kind == "response":
        scope = "every response of the run" + ("" if check.token_endpoint else ", except the token endpoint's")
        lines += [
            f"Nothing of its own: a **response check** judges {scope}: each case schemathesis generates and each "
            "call the suite's own checks make.",
            "",
        ]
    else:
        lines += [
            "Its own requests: a **scenario check**, run once on each of "
            + ", ".join(code(label) for label in check.operations)
            + ".",
            "",
        ]
        if check.writes:
            lines += [
                "It **writes** to the client of `--client-id` (each field is put back when the run ends); under "
                "`--no-writes` it is reported skipped and sends nothing.",
                "",
            ]
    lines += ["## How it can fail", ""]
    first, also = faults_caught(check.name)
    if first or also:
        lines.append("The emulator's faults it is proven to catch ([what each fault does](../../reference/faults.md)):")
        lines.append("")
        lines += [f"- `{fault}`: the check that names this fault" for fault in first]
        lines += [f"- `{fault}`: fails as well, looking at the same behaviour" for fault in also]
        lines.append("")
    else:
        lines += ["No fault of the emulator breaks it on purpose yet.", ""]
    lines += [
        "A failure is reported with the check's name, the operation, the reason and the request at fault, and a "
        "`curl` line that reproduces it ([reading the report](../reading-the-report.md)).",
        "",
        '??? note "The check\'s code"',
        "",
        textwrap.indent("```python\n" + textwrap.dedent(inspect.getsource(check.function)).rstrip() + "\n```", "    "),
        "",
    ]
    return "\n".join(lines)


def index_page() -> str:
    unrunnable = schemathesis_engine.unrunnable_checks()
    built_in = []
    for name in built_in_names():
        when = BUILT_IN[name]
        if name in unrunnable:
            when = f"**skipped** here: {unrunnable[name]}"
        built_in.append((code(name), when))
    own = [
        (f"[`{check.name}`]({check.name}.md)", check.kind, first_line(check.function.__doc__)) for check in own_checks()
    ]
    rows = [(number, promise, held_by, how) for number, promise, held_by, how in promises()]
    return "\n".join(
        [
            GENERATED_NOTE,
            "",
            "# Every check",
            "",
            "The summary of a run is a table of check by operation. Each check below is one of its rows; a failure "
            "names the check, and the check's page says what it holds, what it sends and how it can fail.",
            "",
            "## schemathesis's built-in checks",
            "",
            "Run on every generated case. The server breaks the contract when:",
            "",
            table(("check", "fails when"), built_in),
            "",
            "## The suite's own checks",
            "",
            "What the document alone cannot express. A **response check** judges every response; a **scenario "
            "check** sends its own requests ([adding a check](../../contributors/adding-a-check.md)).",
            "",
            table(("check", "kind", "the promise"), own),
            "",
            "## Promises",
            "",
            "What `openapi.yaml` promises in words, and what holds each promise (from `conformance/PROMISES.md`, "
            "which a test holds to the code):",
            "",
            table(("#", "promise (where)", "held by", "how"), rows),
            "",
        ]
    )


def pages() -> dict[str, str]:
    found = {f"{FOLDER}/index.md": index_page()}
    for check in own_checks():
        found[check.page] = check_page(check)
    return found
