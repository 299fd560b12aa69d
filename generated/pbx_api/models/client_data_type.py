from typing import Literal

ClientDataType = Literal["F", "J"]

CLIENT_DATA_TYPE_VALUES: set[ClientDataType] = {
    "F",
    "J",
}


def check_client_data_type(value: str) -> ClientDataType:
    if value in CLIENT_DATA_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {CLIENT_DATA_TYPE_VALUES!r}")
