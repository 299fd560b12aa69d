"""Faults on purpose: each breaks the contract in one known way, so the conformance suite can prove it sees it.

`--fault NAME` (repeatable) turns one on. A new fault is one entry of `FAULTS` (its name and what it breaks,
which `--help` and the site's faults page show) plus its branch: `faults.on(NAME)` where the behaviour forks (app.py's
handlers, or the middleware list in `create_app` for a fault of every answer).
"""

from __future__ import annotations

from collections.abc import Iterable

FAULTS: dict[str, str] = {
    "missing-field": "the `email` field is left out of every client in responses",
    "wrong-type": "`id` is returned as a string",
    "no-auth": "the API answers without checking the token (no/invalid token acts as the first application)",
    "leak-other-client": "another client's id answers 200 with that client's data instead of 403",
    "put-not-stored": "PUT answers 200 with the changed client but stores nothing",
    "read-only-writable": "PUT accepts read-only fields (e.g. `prefix`) and stores them",
    "stale-alias": "`/client/client_info/{id}/` serves the client as it was when the emulator started",
    "me-wrong-client": "`@me` resolves to a different client than the token's (the next client in the seed)",
    "validation-422": "validation errors answer 422 instead of 400 (body otherwise the same)",
    "wrong-content-type": "JSON responses are sent with `Content-Type: text/plain`",
    "call-api-can-write": 'a "Call API" application\'s PUT is accepted',
    "no-rate-limit-headers": "the X-RateLimit-* headers are left out",
    "invalid-put-partially-applied": "an invalid PUT stores its valid fields before answering 400",
    "token-ignores-secret": "the token endpoint issues a token for a known App ID whatever the secret",
    "non-bmp-replaced": "characters outside the BMP (emoji, historic scripts) are stored as `?`; the PUT's answer "
    "still shows them",
    "unlocked-read-modify-write": "PUT reads the client, waits a moment, and writes the whole client back without a "
    "lock: of concurrent PUTs of different fields, all but one are lost",
    "normalising-validator": "PUT takes near-miss values after bending them: trimmed, case fixed, numeric strings "
    "and `true` made integers, numbers made strings, bounds clamped",
    "call-api-cannot-read": 'a "Call API" application\'s GET through `/client/client_info/{id}/` answers 403 '
    "`app_access_type_deny`",
    "bearer-case-sensitive": "the `Authorization` scheme must be written `Bearer`: `bearer <token>` answers 401",
    "json-media-type-exact": "a PUT whose Content-Type carries a parameter (`application/json; charset=utf-8`) "
    "answers 415",
    "token-refuses-scope": "a token request naming a scope, even the documented `scope=all`, answers 400 "
    "`invalid_scope`",
    "token-cacheable": "the token answer comes without `Cache-Control: no-store` and `Pragma: no-cache`",
    "json-escapes-misread": "a character outside the BMP written as a JSON escape (a surrogate pair) is stored as "
    "U+FFFD",
    "whole-number-float-refused": "`2.0` for an integer field answers 400 instead of being taken as `2`",
    "undocumented-method-404": "`POST`, `DELETE` or `PATCH` on a client path answers 404 `client_not_found` instead "
    "of 405 with `Allow`",
}

# The methods `undocumented-method-404` answers 404 on a client path.
UNDOCUMENTED_METHODS = ("POST", "DELETE", "PATCH")

# How long `unlocked-read-modify-write` waits between its read and its write (a slow backend's round trips):
# long enough that PUTs sent at the same moment all read before any writes.
UNLOCKED_WRITE_DELAY = 0.2

# The fields that `missing-field` and `wrong-type` bend.
MISSING_FIELD = "email"
WRONG_TYPE_FIELD = "id"


class UnknownFault(ValueError):
    pass


class Faults:
    """The set of faults turned on; empty means a faithful emulator."""

    def __init__(self, names: Iterable[str] = ()) -> None:
        names = frozenset(names)
        unknown = sorted(names - FAULTS.keys())
        if unknown:
            raise UnknownFault(f"unknown fault(s): {', '.join(unknown)}; known: {', '.join(FAULTS)}")
        self.names = names

    def on(self, name: str) -> bool:
        assert name in FAULTS, name
        return name in self.names

    def __bool__(self) -> bool:
        return bool(self.names)

    def __repr__(self) -> str:
        return f"Faults({sorted(self.names)})"
