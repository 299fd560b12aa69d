"""Security rules: the security schemes, their OAuth flows and scopes, the token endpoint's bodies, and the
requirements each operation names."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pbx_spec.diff.changes import Axis, Change, Direction, Kind
from pbx_spec.diff.rules.context import Comparison, OperationPair, Pair
from pbx_spec.diff.rules.documentation import documentation_changed
from pbx_spec.diff.rules.schemas import compare_schemas

SECURITY_BREAKS = {
    Axis.WIRE: "a client authenticating as BASE says no longer gets in",
    Axis.SERVER: "a BASE server does not authenticate as REVISION says (the suite's tokens)",
}
SCHEME_KEYWORDS = ("type", "scheme", "in", "name", "bearerFormat", "openIdConnectUrl")
FLOW_URLS = ("tokenUrl", "authorizationUrl", "refreshUrl")
# The parts of a scheme's `x-token-endpoint` and the direction each travels in.
TOKEN_ENDPOINT_PARTS = (("request", Direction.REQUEST), ("response", Direction.RESPONSE), ("error", Direction.RESPONSE))


def security_schemes_changed(
    comparison: Comparison, old: Mapping[str, Any], new: Mapping[str, Any]
) -> Iterator[Change]:
    old_schemes = old.get("components", {}).get("securitySchemes", {})
    new_schemes = new.get("components", {}).get("securitySchemes", {})
    for name in old_schemes.keys() - new_schemes.keys():
        yield comparison.change(
            "security-scheme-removed",
            f"security scheme `{name}` removed",
            f"/components/securitySchemes/{name}",
            side="base",
            breaks=SECURITY_BREAKS,
        )
    for name in sorted(old_schemes.keys() & new_schemes.keys()):
        at = f"/components/securitySchemes/{name}"
        yield from security_scheme_changed(comparison, name, Pair(old_schemes[name], new_schemes[name], at, at))
    for name in new_schemes.keys() - old_schemes.keys():
        yield comparison.change(
            "security-scheme-added",
            f"security scheme `{name}` added",
            f"/components/securitySchemes/{name}",
            kind=Kind.ADDITION,
        )


def security_scheme_changed(comparison: Comparison, name: str, scheme: Pair) -> Iterator[Change]:
    yield from documentation_changed(comparison, scheme)
    for keyword in SCHEME_KEYWORDS:
        if scheme.old.get(keyword) != scheme.new.get(keyword):
            yield comparison.change(
                "security-scheme-changed",
                f"security scheme `{name}`: `{keyword}` changed",
                f"{scheme.new_at}/{keyword}",
                breaks=SECURITY_BREAKS,
            )
    yield from oauth_flows_changed(comparison, name, scheme)
    token_endpoint_changed(comparison, scheme)


def oauth_flows_changed(comparison: Comparison, scheme: str, node: Pair) -> Iterator[Change]:
    old, new, at = node.old.get("flows", {}), node.new.get("flows", {}), node.new_at
    for flow in sorted(old.keys() | new.keys()):
        if flow not in new:
            yield comparison.change(
                "oauth-flow-removed", f"`{scheme}`: OAuth flow `{flow}` removed", f"{at}/flows", breaks=SECURITY_BREAKS
            )
            continue
        if flow not in old:
            yield comparison.change(
                "oauth-flow-added", f"`{scheme}`: OAuth flow `{flow}` added", f"{at}/flows/{flow}", kind=Kind.ADDITION
            )
            continue
        for url in FLOW_URLS:
            if old[flow].get(url) != new[flow].get(url):
                yield comparison.change(
                    "oauth-url-changed",
                    f"`{scheme}` {flow}: `{url}` changed from {old[flow].get(url)!r} to {new[flow].get(url)!r}",
                    f"{at}/flows/{flow}/{url}",
                    breaks=SECURITY_BREAKS,
                )
        old_scopes, new_scopes = set(old[flow].get("scopes", {})), set(new[flow].get("scopes", {}))
        for scope in sorted(old_scopes - new_scopes):
            yield comparison.change(
                "oauth-scope-removed",
                f"`{scheme}` {flow}: scope `{scope}` removed",
                f"{at}/flows/{flow}/scopes",
                breaks=SECURITY_BREAKS,
            )
        for scope in sorted(new_scopes - old_scopes):
            yield comparison.change(
                "oauth-scope-added",
                f"`{scheme}` {flow}: scope `{scope}` added",
                f"{at}/flows/{flow}/scopes/{scope}",
                kind=Kind.ADDITION,
            )


def token_endpoint_changed(comparison: Comparison, scheme: Pair) -> None:
    """The bodies of a scheme's `x-token-endpoint`, compared as the token operation's request and responses."""
    old_endpoint, new_endpoint = scheme.old.get("x-token-endpoint"), scheme.new.get("x-token-endpoint")
    if not (isinstance(old_endpoint, Mapping) and isinstance(new_endpoint, Mapping)):
        return
    token = comparison.at(operation="token")
    for part, direction in TOKEN_ENDPOINT_PARTS:
        if part in old_endpoint and part in new_endpoint:
            at = f"{scheme.new_at}/x-token-endpoint/{part}"
            compare_schemas(token.at(direction=direction), old_endpoint[part], at, new_endpoint[part], at)


def security_requirements_changed(operation: OperationPair) -> Iterator[Change]:
    """The requirements that apply to the operation: its own `security`, else the document's."""
    old_document, new_document = operation.comparison.old_document, operation.comparison.new_document
    was = _requirements(operation.old.get("security", old_document.get("security", [])))
    now = _requirements(operation.new.get("security", new_document.get("security", [])))
    if was != now:
        yield operation.comparison.change(
            "security-requirement-changed",
            f"security requirements changed from {sorted(was)} to {sorted(now)}",
            f"{operation.new_at}/security",
            breaks=SECURITY_BREAKS,
        )


def _requirements(requirements: Any) -> set[str]:
    return {
        " + ".join(f"{name}{sorted(scopes)}" for name, scopes in sorted(requirement.items()))
        for requirement in requirements or []
    }
