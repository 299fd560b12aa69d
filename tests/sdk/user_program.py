"""A user's program over the SDK's whole public surface, for mypy --strict (make typecheck-sdk); never run.

If a public name, signature or return type changes in a way a typed user would feel, this stops type-checking.
"""

from __future__ import annotations

import asyncio
import logging

import httpx

import pbx_api
from pbx_api import UNSET, PbxClient, Response, Retry, Unset, errors
from pbx_api.api import AsyncPbxClient, PbxClientWithRawResponse
from pbx_api.client import DEFAULT_TIMEOUT, AuthenticatedClient, ClientCredentials, base_url_for
from pbx_api.models import ClientData, ClientUpdate, TokenErrorCode


def configure() -> list[PbxClient]:
    logging.getLogger("pbx_api").setLevel(logging.DEBUG)
    policy = Retry(max_retries=3, backoff=0.2, max_backoff=2.0, statuses=frozenset({503}), max_rate_limit_wait=10)
    return [
        PbxClient(),
        PbxClient(hostname="pbx.example.com", app_id="id", app_secret="secret", timeout=DEFAULT_TIMEOUT),
        PbxClient.from_credentials(base_url=base_url_for("pbx.example.com"), app_id="id", app_secret="secret"),
        PbxClient(AuthenticatedClient(base_url_for("pbx.example.com"), app_id="i", app_secret="s", retry=policy)),
        PbxClient(pbx_api.Connection.from_environment(timeout=5)),
        PbxClient(send_credentials="basic", transport=httpx.HTTPTransport(retries=0), follow_redirects=False),
    ]


def read_and_change(pbx: PbxClient) -> str:
    me: ClientData = pbx.get_client()
    other: ClientData = pbx.get_client_info(me.id)
    extra: object = other.additional_properties.get("added_later")
    changed = pbx.update_client(timezone="Europe/Vilnius", jur_address=None)
    same = pbx.update_client_info(me.id, body=ClientUpdate(name="Acme", email=UNSET))
    quick = pbx.with_options(timeout=2, retry=Retry(max_retries=0))
    raw_view: PbxClientWithRawResponse = quick.with_raw_response
    raw: Response[ClientData] = raw_view.get_client()
    limit: int | None = raw.rate_limit.remaining
    status: int = raw.status_code
    answer: httpx.Response | None = raw.http_response
    name: str = raw.parsed.name
    unset: Unset = UNSET
    auth: ClientCredentials = pbx.client.auth
    return f"{changed.timezone}{same.name}{limit}{status}{answer}{name}{unset!r}{auth.app_id}{extra}"


def handle(pbx: PbxClient) -> str | None:
    try:
        pbx.get_client(1002)
    except errors.RateLimited as error:
        wait: float | None = error.retry_after
        reset: int | None = error.reset_after
        return f"{wait}{reset}{error.rate_limit.limit}"
    except errors.BadRequest as error:
        return error.field
    except errors.ApiError as error:
        sent: str | None = error.url
        return f"{error.method} {sent} {error.status_code} {error.status} {error.message} {error.response}"
    except errors.InvalidResponse as error:
        return f"{error.operation} {error.field} {error.found}"
    except errors.Timeout:
        return "slow"
    except (errors.TransportError, errors.ConfigurationError, errors.EventLoopClosed, errors.PbxError) as error:
        return str(error)
    return None


async def asynchronous() -> int:
    async with AsyncPbxClient() as pbx:
        raw = await pbx.with_raw_response.get_client()
        changed = await pbx.update_client(language="de")
        return raw.parsed.id + changed.id


def main() -> None:
    for pbx in configure():
        with pbx:
            read_and_change(pbx)
            handle(pbx)
    asyncio.run(asynchronous())
    code: TokenErrorCode = "invalid_client"
    print(pbx_api.SPEC_SHA256, code)
