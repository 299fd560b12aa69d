from typing import Literal

TokenErrorError = Literal[
    "invalid_client",
    "invalid_grant",
    "invalid_request",
    "invalid_scope",
    "unauthorized_client",
    "unsupported_grant_type",
]

TOKEN_ERROR_ERROR_VALUES: set[TokenErrorError] = {
    "invalid_client",
    "invalid_grant",
    "invalid_request",
    "invalid_scope",
    "unauthorized_client",
    "unsupported_grant_type",
}


def check_token_error_error(value: str) -> TokenErrorError:
    if value in TOKEN_ERROR_ERROR_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {TOKEN_ERROR_ERROR_VALUES!r}")
