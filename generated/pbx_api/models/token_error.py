from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.token_error_code import TokenErrorCode, check_token_error_code
from ..types import UNSET, Unset

T = TypeVar("T", bound="TokenError")


@_attrs_define
class TokenError:
    """A token-endpoint error, as RFC 6749 section 5.2 defines it.

    Attributes:
        error (TokenErrorCode): The RFC 6749 error code. Documented: `invalid_grant` answers 401 (a
            refused refresh). Decided here: `invalid_client` answers 401 and the
            others 400, as RFC 6749 says.
        error_description (str | Unset): A human-readable explanation.
    """

    error: TokenErrorCode
    error_description: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        error: str = self.error

        error_description = self.error_description

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "error": error,
            }
        )
        if error_description is not UNSET:
            field_dict["error_description"] = error_description

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        error = check_token_error_code(d.pop("error"))

        error_description = d.pop("error_description", UNSET)

        token_error = cls(
            error=error,
            error_description=error_description,
        )

        token_error.additional_properties = d
        return token_error

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
