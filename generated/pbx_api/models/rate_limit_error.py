from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="RateLimitError")


@_attrs_define
class RateLimitError:
    """The hourly call limit is used up.

    Attributes:
        message (str): What went wrong, in plain words.
        status (Literal['rate_limit_exceeded']): Always `rate_limit_exceeded`.
    """

    message: str
    status: Literal["rate_limit_exceeded"]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        message = self.message

        status = self.status

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "message": message,
                "status": status,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        message = d.pop("message")

        status = cast(Literal["rate_limit_exceeded"], d.pop("status"))
        if status != "rate_limit_exceeded":
            raise ValueError(f"status must match const 'rate_limit_exceeded', got '{status}'")

        rate_limit_error = cls(
            message=message,
            status=status,
        )

        rate_limit_error.additional_properties = d
        return rate_limit_error

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
