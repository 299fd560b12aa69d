# The SDK's hand-written runtime, copied into pbx_api unchanged by `make generate`: edit
# generator/pbx_generator/runtime/_reading.py, not the copy in generated/pbx_api.
"""Reading answers: tolerant of what may grow, strict where it matters.

The generated models keep unknown fields (`additional_properties`) and, for the resource, unknown enum values as
plain strings (the sdk variant's overlays make it so); but their `from_dict` trusts the types it is given. `checked`
holds a parsed model to its annotations, so a string `id` raises InvalidResponse instead of passing as an int.
The checks of each model class are worked out once, from its type hints, and cached.
"""

from __future__ import annotations

import datetime
import operator
import types
import typing
from collections.abc import Callable
from functools import cache
from typing import Any, TypeVar

import httpx

from pbx_api import errors
from pbx_api.types import Unset

Model = TypeVar("Model")
# A check returns None when the value fits, else the JSON path below the field and the wrong value.
Check = Callable[[Any], tuple[str, Any] | None]


def parse(response: httpx.Response, operation: str, build: Callable[[Any], Model]) -> Model:
    """The success answer's body as the model `build` makes, checked; InvalidResponse when it breaks the contract."""
    try:
        data = response.json()
    except ValueError:
        kind = response.headers.get("Content-Type", "no Content-Type")
        found = errors.InvalidResponse.shown(response.text[:200])
        raise errors.InvalidResponse(
            response.status_code, f"the body is not JSON ({kind}): {found}", operation=operation, found=found
        ) from None
    try:
        parsed = build(data)
    except KeyError as missing:
        field = str(missing.args[0]) if missing.args else None
        raise errors.InvalidResponse(
            response.status_code, f"required field {field!r} is missing", operation=operation, field=field
        ) from None
    except (ValueError, TypeError, AttributeError) as error:
        found = errors.InvalidResponse.shown(data)
        raise errors.InvalidResponse(
            response.status_code, f"{type(error).__name__}: {error}", operation=operation, found=found
        ) from error
    wrong = _model_check(type(parsed))(parsed)  # type: ignore[arg-type]  # classes are hashable; mypy's TypeVar is not sure
    if wrong is not None:
        field, value = wrong
        found = errors.InvalidResponse.shown(value)
        detail = f"field {field!r} does not have the contract's type: found {found}"
        raise errors.InvalidResponse(response.status_code, detail, operation=operation, field=field, found=found)
    return parsed


@cache
def _model_check(cls: type) -> Check:
    """The check of an attrs model class: each field against its annotation (unknown fields are not checked).

    Per call this is one C-level attrgetter and a set lookup per field (the exact classes JSON decoding gives);
    only a value outside that set goes through the field's full check. It runs on every answer, so it is kept
    cheap (make bench-sdk).
    """
    names: list[str] = []
    plan: list[tuple[str, frozenset[type] | None, Check]] = []
    hints = typing.get_type_hints(cls)
    for attribute in getattr(cls, "__attrs_attrs__", ()):
        if attribute.name == "additional_properties":
            continue
        # The JSON name: the generator appends "_" to names that are Python keywords or builtins (type -> type_).
        json_name = attribute.name[:-1] if attribute.name.endswith("_") else attribute.name
        hint = hints[attribute.name]
        accepted = _plain_types(hint)
        names.append(attribute.name)
        plan.append((json_name, frozenset(accepted) if accepted is not None else None, _check_for(hint)))
    if not names:
        return lambda model: None
    getter = operator.attrgetter(*names)
    values_of: Callable[[Any], tuple[Any, ...]] = getter if len(names) > 1 else (lambda model: (getter(model),))

    def check(model: Any) -> tuple[str, Any] | None:
        for value, (json_name, exact, check_field) in zip(values_of(model), plan, strict=True):
            if exact is not None and type(value) in exact:  # bool is its own class: not taken for an int
                continue
            wrong = check_field(value)
            if wrong is not None:
                below, found = wrong
                return (f"{json_name}.{below}" if below else json_name), found
        return None

    return check


def _check_for(hint: Any) -> Check:
    """A check for one annotation: plain isinstance for the common cases, recursion for models and lists."""
    accepted = _plain_types(hint)
    if accepted is not None:
        exact_int = int in accepted and bool not in accepted

        def plain(value: Any) -> tuple[str, Any] | None:
            if isinstance(value, accepted) and not (exact_int and isinstance(value, bool)):
                return None
            return "", value

        return plain
    if _is_union(hint):  # with a model or a list among its options: fits when one option fits
        checks = [_check_for(option) for option in typing.get_args(hint)]

        def any_of(value: Any) -> tuple[str, Any] | None:
            return None if any(option(value) is None for option in checks) else ("", value)

        return any_of
    origin = typing.get_origin(hint)
    if origin is list:
        (item_hint,) = typing.get_args(hint) or (Any,)
        item = _check_for(item_hint)

        def each(value: Any) -> tuple[str, Any] | None:
            if not isinstance(value, list):
                return "", value
            for index, entry in enumerate(value):
                wrong = item(entry)
                if wrong is not None:
                    return (f"{index}.{wrong[0]}" if wrong[0] else str(index)), wrong[1]
            return None

        return each
    if isinstance(hint, type) and hasattr(hint, "__attrs_attrs__"):
        nested = _model_check(hint)

        def model(value: Any) -> tuple[str, Any] | None:
            return nested(value) if isinstance(value, hint) else ("", value)

        return model
    return lambda value: None  # Any, and what this runtime does not know: not checked


def _plain_types(hint: Any) -> tuple[type, ...] | None:
    """The classes an annotation allows when isinstance alone decides it (None, Unset, scalars, literals)."""
    options = typing.get_args(hint) if _is_union(hint) else (hint,)
    accepted: list[type] = []
    for option in options:
        if option is None or option is type(None):
            accepted.append(type(None))
        elif option in _SCALARS:
            accepted.extend(_SCALARS[option])
        elif typing.get_origin(option) is typing.Literal:
            accepted.extend({type(value) for value in typing.get_args(option)})
        elif option is Unset:
            accepted.append(Unset)
        elif typing.get_origin(option) is dict or option is dict:
            accepted.append(dict)
        else:
            return None
    return tuple(accepted)


_SCALARS: dict[Any, tuple[type, ...]] = {
    int: (int,),
    float: (int, float),  # JSON does not tell 1 from 1.0
    str: (str,),
    bool: (bool,),
    datetime.datetime: (datetime.datetime,),
    datetime.date: (datetime.date,),
}


def _is_union(hint: Any) -> bool:
    return typing.get_origin(hint) in (typing.Union, types.UnionType)


__all__ = ["parse"]
