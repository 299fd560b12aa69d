"""The SDK's tables, from the SDK itself: its errors (`pbx_api.errors`, with the one status table
`ERROR_FOR_STATUS`) and the retry policy's defaults (`pbx_api.Retry`'s fields)."""

from __future__ import annotations

import dataclasses
import inspect

import pbx_api
from pbx_api import errors
from pbx_docs.markdown import code, first_line, table


def error_table() -> str:
    statuses: dict[type, list[int]] = {}
    for code_, raised in errors.ERROR_FOR_STATUS.items():
        statuses.setdefault(raised, []).append(code_)
    classes = [
        value
        for _, value in inspect.getmembers(errors, inspect.isclass)
        if issubclass(value, errors.PbxError) and value.__module__ == errors.__name__
    ]
    classes.sort(key=lambda value: inspect.getsourcelines(value)[1])
    rows = []
    for error in classes:
        base = ", ".join(code(parent.__name__) for parent in error.__bases__)
        shown = ", ".join(str(number) for number in statuses.get(error, []))
        rows.append((code(error.__name__), base, shown, first_line(error.__doc__)))
    return table(("error", "derives from", "status", "when"), rows)


def retry_table() -> str:
    rows = []
    for field in dataclasses.fields(pbx_api.Retry):
        default = field.default
        shown = ", ".join(str(item) for item in sorted(default)) if isinstance(default, frozenset) else f"{default!r}"
        rows.append((code(field.name), shown))
    return table(("setting", "default"), rows)
