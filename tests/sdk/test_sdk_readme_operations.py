"""generated/README.md lists exactly the operations PbxClient and AsyncPbxClient have, under the names they have.

The README is written from the same prepared input the SDK is generated from (the `sdk` variant), so an operation
the variant leaves out (the token endpoint: the runtime fetches tokens itself) is not listed as a method.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pbx_api
from pbx_kit import contract, sdk_names
from pbx_kit.variants import variant_file_document

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "generated" / "README.md"
# What PbxClient and AsyncPbxClient have besides the API's operations: making, copying and closing a connection.
CONNECTION_HELPERS = {
    pbx_api.PbxClient: {"from_credentials", "with_options", "close"},
    pbx_api.AsyncPbxClient: {"from_credentials", "with_options", "aclose"},
}


def readme_operations() -> list[str]:
    """The method names of the README's operation list (`- \\`get_client\\`: GET ...`)."""
    section = README.read_text(encoding="utf-8").split("Operations (methods of", 1)[1]
    return re.findall(r"^- `([a-z_][a-z0-9_]*)`: [A-Z]+ `", section, flags=re.MULTILINE)


def public_methods(cls: type) -> set[str]:
    return {
        name
        for name, member in inspect.getmembers(cls)
        if not name.startswith("_") and (inspect.isfunction(member) or inspect.ismethod(member))
    }


def test_the_readme_lists_each_method_of_pbx_client_and_async_pbx_client_once() -> None:
    listed = readme_operations()
    assert listed, "the README has an operation list"
    assert len(listed) == len(set(listed)), listed
    for cls, helpers in CONNECTION_HELPERS.items():
        assert public_methods(cls) - helpers == set(listed), f"{cls.__name__} and generated/README.md differ"
        assert helpers <= public_methods(cls), f"{cls.__name__} lost a connection helper: {helpers}"


def test_the_readme_names_each_operation_of_the_sdk_input_as_sdk_names_does() -> None:
    sdk_input = variant_file_document(contract.spec_path(), contract.overlays_path(), "sdk")
    expected = [sdk_names.method_name(operation.operation_id) for operation in contract.operations_of(sdk_input)]
    assert readme_operations() == expected
    # And the operation the variant leaves out is in the contract, so the README would list it if written from it.
    assert len(contract.operations()) > len(expected)


def test_the_async_methods_are_coroutines() -> None:
    for name in readme_operations():
        assert inspect.iscoroutinefunction(getattr(pbx_api.AsyncPbxClient, name)), name
