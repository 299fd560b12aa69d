"""Whatever arrives, the answer is a contract-shaped 4xx or a 200, never a 5xx: random token requests and bodies.

Schemathesis covers the API's operations from the contract; the token endpoint is not an operation, and
hand-made byte soup reaches places its generators do not (lone surrogates, odd headers).
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pbx_emulator.testing import RunningEmulator, running_emulator
from pbx_kit.contract import validator
from tests.emulator.emulator_helpers import MAIN


@pytest.fixture(scope="module")
def shared_emulator() -> Iterator[RunningEmulator]:
    """This module's emulator: its random token requests fail by the hundred, past the default failure limit."""
    with running_emulator(extra_args=["--token-failure-limit", "100000"]) as server:
        yield server


SETTINGS = settings(
    max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
form_values = st.one_of(
    st.sampled_from(["client_credentials", "password", MAIN.app_id, MAIN.app_secret, "all", "", "%", "%zz", "é"]),
    st.text(max_size=20),
)
form = st.dictionaries(
    st.sampled_from(["grant_type", "client_id", "client_secret", "scope", "x"]), form_values, max_size=5
)
authorization = st.one_of(
    st.none(),
    st.sampled_from(["Basic", "Basic !!!", "Basic ZGVtby1hcHA6ZGVtby1zZWNyZXQ=", "Basic ZGVtbw==", "Bearer x"]),
    # Printable ASCII without the space: a header value may not end in one.
    st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=40).map(
        lambda t: "Basic " + t
    ),
)


@SETTINGS
@given(form=form, authorization=authorization, content_type=st.sampled_from(["form", "json", "none", "text"]))
def test_the_token_endpoint_answers_a_token_or_an_rfc_6749_error(
    shared_emulator: RunningEmulator, form: dict[str, str], authorization: str | None, content_type: str
) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    if content_type == "form":
        response = httpx.post(shared_emulator.token_url, data=form, headers=headers)
    elif content_type == "json":
        response = httpx.post(shared_emulator.token_url, json=form, headers=headers)
    else:
        headers |= {"Content-Type": "text/plain"} if content_type == "text" else {}
        response = httpx.post(shared_emulator.token_url, content=str(form).encode(), headers=headers)
    assert response.status_code in (200, 400, 401), response.text
    assert validator("Token" if response.status_code == 200 else "TokenError").is_valid(response.json())


json_text = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=False),
        st.text(max_size=10),
        st.sampled_from(['"\\ud800"', '"\\udfff"', '"\\u0000"', "1e999", "-0", '"Europe/Minsk"']),
    ).map(lambda v: v if isinstance(v, str) and v.startswith(('"\\', "1e", "-0", '"E')) else _dump(v)),
    lambda children: st.one_of(
        st.lists(children, max_size=3).map(lambda items: "[" + ",".join(items) + "]"),
        st.dictionaries(
            st.sampled_from(['"name"', '"timezone"', '"hold_music"', '"id"', '"email"', '"x"', '"\\ud800"']),
            children,
            max_size=4,
        ).map(lambda d: "{" + ",".join(f"{k}:{v}" for k, v in d.items()) + "}"),
    ),
    max_leaves=8,
)


def _dump(value: object) -> str:
    import json

    return json.dumps(value)


@SETTINGS
@given(
    body=json_text, content_type=st.sampled_from(["application/json", "application/json; charset=utf-8", "text/json"])
)
def test_any_put_body_gets_200_or_a_contract_shaped_4xx(
    shared_emulator: RunningEmulator, body: str, content_type: str
) -> None:
    headers = {"Authorization": f"Bearer {_token(shared_emulator)}", "Content-Type": content_type}
    url = shared_emulator.api_url + "/client/@me/client/"
    response = httpx.put(url, content=body.encode(), headers=headers)
    assert response.status_code in (200, 400, 415), response.text
    if response.status_code == 400:
        assert validator("ValidationError").is_valid(response.json())
    assert httpx.get(url, headers=headers).status_code == 200  # nothing stored broke the client


_tokens: dict[str, str] = {}


def _token(server: RunningEmulator) -> str:
    if server.url not in _tokens:
        _tokens[server.url] = server.token()
    return _tokens[server.url]
