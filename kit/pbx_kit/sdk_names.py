"""The generated SDK's Python names, as openapi-python-client 0.29 makes them: one home for the rule.

    method_name("getClient")  -> "get_client"   (PbxClient's method for the operation)
    argument_name("type")     -> "type_"        (the keyword argument and model attribute for a body field)

The generator's README writer and the reference's code samples name the SDK's methods and arguments with these.
Written out here rather than imported from openapi-python-client: the emulator serves the reference, and a
server needs no code generator. tests/sdk/test_sdk_names.py holds these equal to openapi-python-client's own
`PythonIdentifier` (on every operationId and field of the contract, and on awkward names), and
tests/sdk/test_sdk_readme_operations.py holds them to the generated PbxClient.
"""

from __future__ import annotations

import builtins
import re
from keyword import iskeyword

FIELD_PREFIX = "field_"
"""What openapi-python-client puts before a name that is no identifier (`1st` -> `field_1st`): its default
`field_prefix`, which the generator's config keeps."""

# openapi-python-client's word delimiters; every other character that cannot be in an identifier is dropped.
_DELIMITERS = r"\. _-"
# Names that would shadow a builtin or a keyword get a trailing `_` (`type` -> `type_`); `id` is left as it is.
_RESERVED = (set(dir(builtins)) | {"self", "true", "false", "datetime"}) - {"id"}


def method_name(operation_id: str) -> str:
    """The SDK's method for an operation: `getClientInfo` -> `get_client_info`."""
    return python_identifier(operation_id)


def argument_name(field: str) -> str:
    """The keyword argument (and the model's attribute) for a field of a body: `dial_rule_id`, `type_`."""
    return python_identifier(field)


def python_identifier(value: str, prefix: str = FIELD_PREFIX) -> str:
    """`value` in snake_case, made a valid identifier that shadows nothing, as openapi-python-client names it."""
    safe = _sanitized(value)
    name = _unreserved("_".join(_words(safe)).lower())
    if not name.isidentifier() or safe.startswith("_"):
        name = prefix + name
    return name


def _sanitized(value: str) -> str:
    return "".join(char for char in value if char.isidentifier() or char.isdecimal() or char in _DELIMITERS)


def _words(value: str) -> list[str]:
    """Words at delimiters and at camelCase humps (`getHTTPStatus` -> get, HTTP, Status)."""
    if any(char.isupper() for char in value):
        value = " ".join(re.split("([A-Z]?[a-z]+)", value))
    return re.findall(rf"[^{re.escape(_DELIMITERS)}]+", value)


def _unreserved(name: str) -> str:
    return f"{name}_" if name in _RESERVED or iskeyword(name) else name
