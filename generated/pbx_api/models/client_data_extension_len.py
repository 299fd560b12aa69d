from typing import Literal

ClientDataExtensionLen = Literal["2", "3", "4"]

CLIENT_DATA_EXTENSION_LEN_VALUES: set[ClientDataExtensionLen] = {
    "2",
    "3",
    "4",
}


def check_client_data_extension_len(value: str) -> ClientDataExtensionLen:
    if value in CLIENT_DATA_EXTENSION_LEN_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {CLIENT_DATA_EXTENSION_LEN_VALUES!r}")
