"""Each operation's cURL and Python samples in the reference run as printed, against a fresh emulator.

The token endpoint's Python sample uses httpx (pbx_api fetches its tokens itself). The samples read PBX_URL,
PBX_APP_ID and PBX_APP_SECRET from the environment, so the test runs them unchanged:
bash for the cURL sample, this interpreter (which has pbx_api) for the Python one. The answer must be the
contract's `Client`, and a sample's change must be the example it sends.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

import pbx_api
from pbx_emulator.testing import RunningEmulator, demo_identities, running_emulator
from pbx_kit import contract
from pbx_kit.reference import code_samples, python_sample, reference_document, request_example

DOCUMENT = contract.load_document()
OPERATIONS = {operation.operation_id: operation for operation in contract.operations_of(DOCUMENT)}
RUN_TIMEOUT = 60


@pytest.fixture(scope="module")
def server() -> Iterator[RunningEmulator]:
    with running_emulator() as running:
        yield running


def run_sample(server: RunningEmulator, command: list[str]) -> Any:
    app = demo_identities().main
    environment = {
        **os.environ,
        "PBX_URL": server.url.rstrip("/"),
        "PBX_APP_ID": app.app_id,
        "PBX_APP_SECRET": app.app_secret,
    }
    completed = subprocess.run(command, capture_output=True, text=True, timeout=RUN_TIMEOUT, env=environment)
    assert completed.returncode == 0, completed.stderr + completed.stdout
    return json.loads(completed.stdout)


def check_answer(operation_id: str, answer: Any) -> None:
    """The answer matches the operation's 200 schema, and holds the change the sample sent."""
    success = contract.deref(OPERATIONS[operation_id].node["responses"]["200"])
    error = contract.schema_validator(success["content"]["application/json"]["schema"]).first_error(answer)
    assert error is None, f"{operation_id}: {error}"
    body = request_example(DOCUMENT, OPERATIONS[operation_id])
    if body is not None:
        for field, value in body.items():
            assert answer[field] == value


@pytest.mark.parametrize("operation_id", OPERATIONS)
def test_curl_sample_runs_against_the_emulator(server: RunningEmulator, operation_id: str) -> None:
    (curl,) = [sample for sample in code_samples(DOCUMENT, OPERATIONS[operation_id]) if sample["label"] == "cURL"]
    check_answer(operation_id, run_sample(server, ["bash", "-euo", "pipefail", "-c", curl["source"]]))


@pytest.mark.parametrize("operation_id", OPERATIONS)
def test_python_sample_runs_against_the_emulator(server: RunningEmulator, operation_id: str) -> None:
    (python,) = [sample for sample in code_samples(DOCUMENT, OPERATIONS[operation_id]) if sample["lang"] == "Python"]
    check_answer(operation_id, run_sample(server, [sys.executable, "-c", python["source"]]))


def test_a_sample_with_wrong_credentials_fails_loudly(server: RunningEmulator) -> None:
    (curl, python) = code_samples(DOCUMENT, OPERATIONS["getClient"])
    environment = {**os.environ, "PBX_URL": server.url.rstrip("/"), "PBX_APP_ID": "nobody", "PBX_APP_SECRET": "x"}
    for command in (["bash", "-euo", "pipefail", "-c", curl["source"]], [sys.executable, "-c", python["source"]]):
        completed = subprocess.run(command, capture_output=True, text=True, timeout=RUN_TIMEOUT, env=environment)
        assert completed.returncode != 0


def test_every_operation_of_the_reference_has_both_samples() -> None:
    rendered = reference_document()
    for operation in contract.operations_of(rendered):
        labels = [sample["label"] for sample in operation.node["x-codeSamples"]]
        assert labels == ["cURL", "Python (pbx_api)" if operation.needs_token(rendered) else "Python (httpx)"]


def test_python_samples_call_methods_the_sdk_has() -> None:
    for operation_id, operation in OPERATIONS.items():
        if not operation.needs_token(DOCUMENT):
            continue  # the token request: pbx_api fetches tokens itself, the sample shows the request by hand
        source = python_sample(DOCUMENT, operation)
        method = next(line for line in source.splitlines() if " = pbx." in line).split(" = pbx.")[1].split("(")[0]
        assert callable(getattr(pbx_api.PbxClient, method, None)), f"{operation_id}: PbxClient has no {method}"


def test_samples_follow_a_renamed_operation_and_a_new_example() -> None:
    document: dict[str, Any] = copy.deepcopy(dict(DOCUMENT))
    item = document["paths"]["/client/{client_id}/client/"]
    item["put"]["operationId"] = "changeClientSettings"
    item["put"]["requestBody"] = {
        "content": {
            "application/json": {
                "schema": {"$ref": "#/components/schemas/ClientUpdate"},
                "example": {"name": "Renamed Ltd"},
            }
        }
    }
    renamed = next(op for op in contract.operations_of(document) if op.operation_id == "changeClientSettings")
    source = python_sample(document, renamed)
    assert 'pbx.change_client_settings("@me", name="Renamed Ltd")' in source


def test_python_samples_pass_the_body_as_the_sdks_keyword_arguments() -> None:
    # A field named like a builtin is the SDK's `type_`, as openapi-python-client names it; no model is imported.
    document: dict[str, Any] = copy.deepcopy(dict(DOCUMENT))
    kind = contract.schema_properties("ClientUpdate")["type"]["enum"][0]
    media = document["paths"]["/client/{client_id}/client/"]["put"]["requestBody"]
    media = contract.deref(media)["content"]["application/json"]
    document["paths"]["/client/{client_id}/client/"]["put"]["requestBody"] = {
        "content": {"application/json": {"schema": media["schema"], "example": {"type": kind, "dial_rule_id": 7}}}
    }
    update = next(op for op in contract.operations_of(document) if op.operation_id == "updateClient")
    source = python_sample(document, update)
    assert f'pbx.update_client("@me", type_={json.dumps(kind)}, dial_rule_id=7)' in source
    assert "models" not in source and "body=" not in source


def test_the_reference_needs_no_code_generator() -> None:
    # The emulator serves the reference: building it imports neither openapi-python-client nor the generator.
    probe = (
        "import sys, pbx_kit.reference\n"
        "print(sorted(m for m in sys.modules if m.startswith(('openapi_python_client', 'pbx_generator'))))"
    )
    completed = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=RUN_TIMEOUT)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "[]"
