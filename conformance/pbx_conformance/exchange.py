"""One request and its response, as the report shows it: secrets redacted, with a curl reproduction."""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

import httpx
from schemathesis.engine.recorder import Interaction

# Headers whose values are credentials: never written to a report or the console.
SECRET_HEADERS = frozenset({"authorization", "cookie", "proxy-authorization"})
# The environment variable a reproduction reads the main application's token from.
TOKEN_VARIABLE = "PBX_TOKEN"
BODY_LIMIT = 4096
FORM_SECRETS = ("client_secret",)


@dataclass
class Exchange:
    method: str
    url: str
    request_headers: dict[str, str]
    request_body: str | None
    status: int | None
    response_headers: dict[str, str] = field(default_factory=dict)
    response_body: str | None = None
    # What the reproduction sends as Authorization: a token variable such as "Bearer $PBX_TOKEN", or the
    # deliberately bad value a check sent. None: the request had no Authorization header.
    authorization: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "request": {
                "method": self.method,
                "url": self.url,
                "headers": self.request_headers,
                "body": self.request_body,
            },
            "response": None
            if self.status is None
            else {"status": self.status, "headers": self.response_headers, "body": self.response_body},
            "curl": self.curl(),
        }

    def curl(self) -> str:
        """A one-line reproduction. Tokens and secrets are shell variables ($PBX_TOKEN, $PBX_CLIENT_SECRET),
        never their values: export them first."""
        parts = ["curl", "-i", "-X", self.method]
        for name, value in self.request_headers.items():
            lowered = name.lower()
            if lowered in {"content-length", "host", "user-agent", "accept-encoding", "connection", "accept"}:
                continue
            if lowered == "authorization":
                if self.authorization is not None:
                    parts += ["-H", _shell(f"Authorization: {self.authorization}")]
            else:
                parts += ["-H", shlex.quote(f"{name}: {value}")]
        if self.request_body is not None:
            parts += ["--data-raw", _shell(self.request_body)]
        parts.append(shlex.quote(self.url))
        return " ".join(parts)


def _shell(text: str) -> str:
    """Quoted for the shell; double quotes where a $PBX_ variable must expand (its text has no other specials)."""
    if "$PBX_" in text or "${PBX_" in text:
        escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("`", "\\`")
        return '"' + re.sub(r"\$(?!\{?PBX_)", r"\\$", escaped) + '"'
    return shlex.quote(text)


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    return {name: ("[redacted]" if name.lower() in SECRET_HEADERS else value) for name, value in headers.items()}


def redact_form(body: str | None) -> str | None:
    """A form body with its client_secret replaced, as the report may show it."""
    if not body or "=" not in body:
        return body
    pairs = parse_qsl(body, keep_blank_values=True)
    return urlencode([(k, "$PBX_CLIENT_SECRET" if k in FORM_SECRETS else v) for k, v in pairs], safe="$")


def redact_token(body: str | None) -> str | None:
    """A token-endpoint answer with its access token replaced: a report never carries a live token."""
    try:
        document = json.loads(body or "")
    except ValueError:
        return body
    if isinstance(document, dict) and "access_token" in document:
        document["access_token"] = "[redacted]"
        return json.dumps(document)
    return body


def text(content: bytes | str | None) -> str | None:
    if content is None:
        return None
    if isinstance(content, bytes):
        content = content.decode("utf-8", errors="replace")
    return content if len(content) <= BODY_LIMIT else content[:BODY_LIMIT] + f"... [{len(content)} chars]"


def from_httpx(response: httpx.Response, authorization: str | None = None, body: str | None = None) -> Exchange:
    """`authorization` is how the reproduction sends the Authorization header (see Exchange); `body`, when
    given, is the request body as the report shows it (secrets as variables)."""
    request = response.request
    if body is None:
        body = text(request.content) if request.content else None
        if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            body = redact_form(body)
    return Exchange(
        method=request.method,
        url=str(request.url),
        request_headers=redact_headers(request.headers),
        request_body=body,
        status=response.status_code,
        response_headers=dict(response.headers),
        response_body=text(response.content),
        authorization=authorization,
    )


def from_schemathesis(interaction: Interaction) -> Exchange:
    """From a schemathesis recorder's Interaction (headers are lists of values there)."""
    request, response = interaction.request, interaction.response
    headers = {name: values[0] if isinstance(values, list) else values for name, values in request.headers.items()}
    exchange = Exchange(
        method=request.method,
        url=request.uri,
        request_headers=redact_headers(headers),
        request_body=text(request.body),
        status=None,
        # Schemathesis's cases carry the main application's token, or none when it left auth out on purpose.
        authorization=f"Bearer ${TOKEN_VARIABLE}" if any(n.lower() == "authorization" for n in headers) else None,
    )
    if response is not None:
        exchange.status = response.status_code
        exchange.response_headers = {
            name: ", ".join(values) if isinstance(values, list) else values for name, values in response.headers.items()
        }
        exchange.response_body = text(response.content)
    return exchange


def pretty(body: str | None) -> str:
    if body is None:
        return ""
    try:
        return json.dumps(json.loads(body), indent=2, ensure_ascii=False)
    except ValueError:
        return body
