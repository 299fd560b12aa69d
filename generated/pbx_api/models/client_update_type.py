from typing import Literal

ClientUpdateType = Literal["F", "J"]

CLIENT_UPDATE_TYPE_VALUES: set[ClientUpdateType] = {
    "F",
    "J",
}


def check_client_update_type(value: str) -> ClientUpdateType:
    if value in CLIENT_UPDATE_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {CLIENT_UPDATE_TYPE_VALUES!r}")
