from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.forbidden_error_status import ForbiddenErrorStatus, check_forbidden_error_status

T = TypeVar("T", bound="ForbiddenError")


@_attrs_define
class ForbiddenError:
    """Why a valid token may not do this.

    Attributes:
        message (str): What went wrong, in plain words.
        status (ForbiddenErrorStatus): `access_denied`: the id is another client's. `user_blocked`: the user
            the token acts for, or its client, is blocked. `user_access_type_deny`:
            that user's access is `read_only`, which allows only `GET`.
            `app_access_type_deny`: the application's access level ("Call API")
            does not allow changes.
    """

    message: str
    status: ForbiddenErrorStatus
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        message = self.message

        status: str = self.status

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

        status = check_forbidden_error_status(d.pop("status"))

        forbidden_error = cls(
            message=message,
            status=status,
        )

        forbidden_error.additional_properties = d
        return forbidden_error

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
