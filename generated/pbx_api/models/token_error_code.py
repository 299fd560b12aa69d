from typing import Literal

TokenErrorCode = Literal[
    "invalid_client",
    "invalid_grant",
    "invalid_request",
    "invalid_scope",
    "unauthorized_client",
    "unsupported_grant_type",
]

TOKEN_ERROR_CODE_VALUES: set[TokenErrorCode] = {
    "invalid_client",
    "invalid_grant",
    "invalid_request",
    "invalid_scope",
    "unauthorized_client",
    "unsupported_grant_type",
}


def check_token_error_code(value: str) -> TokenErrorCode:
    if value in TOKEN_ERROR_CODE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {TOKEN_ERROR_CODE_VALUES!r}")
