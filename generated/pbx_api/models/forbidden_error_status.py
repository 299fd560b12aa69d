from typing import Literal

ForbiddenErrorStatus = Literal["access_denied", "app_access_type_deny", "user_access_type_deny", "user_blocked"]

FORBIDDEN_ERROR_STATUS_VALUES: set[ForbiddenErrorStatus] = {
    "access_denied",
    "app_access_type_deny",
    "user_access_type_deny",
    "user_blocked",
}


def check_forbidden_error_status(value: str) -> ForbiddenErrorStatus:
    if value in FORBIDDEN_ERROR_STATUS_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {FORBIDDEN_ERROR_STATUS_VALUES!r}")
