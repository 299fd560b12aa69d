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


def _documented_arguments(docstring: str) -> dict[str, str]:
    """The `Args:` section of a Google-style docstring: each name (or `a, b:` for several) and its text."""
    found: dict[str, str] = {}
    names: list[str] = []
    in_args = False
    for line in inspect.cleandoc(docstring).splitlines():
        if line.strip() == "Args:":
            in_args = True
            continue
        if not in_args:
            continue
        if line and not line.startswith(" "):
            break
        head, colon, text = line.strip().partition(": ")
        if line.startswith("    ") and not line.startswith("        ") and colon:
            names = [name.strip() for name in head.split(",")]
            for name in names:
                found[name] = text
        elif names:
            for name in names:
                found[name] += " " + line.strip()
    return found


def options_table() -> str:
    """The keyword options every constructor of a client takes (`ConnectOptions`), with the connection's own
    documentation of each (`Client`'s Args) and their types."""
    from pbx_api import client

    meaning = _documented_arguments(client.Client.__doc__ or "")
    # ConnectOptions adds its one option to ClientOptions, and says what it is in its own docstring.
    meaning.setdefault("send_credentials", first_line(client.ConnectOptions.__doc__).removeprefix("ClientOptions and "))
    rows = []
    for name, annotation in client.ConnectOptions.__annotations__.items():
        shown = getattr(annotation, "__forward_arg__", annotation)  # the annotation as written in the source
        if name not in meaning:
            raise RuntimeError(f"pbx_api.client.Client's docstring does not document the option {name!r}")
        rows.append((code(name), code(str(shown)), meaning[name]))
    return table(("option", "type", "meaning"), rows)
