from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.client_update_type import ClientUpdateType, check_client_update_type
from ..types import UNSET, Unset

T = TypeVar("T", bound="ClientUpdate")


@_attrs_define
class ClientUpdate:
    """The body of a partial update: one or more of the client's writable fields.
    Each has the same meaning and rules as in `Client`. Read-only and unknown
    fields are rejected with 400, as is a name sent twice and a body that is
    not UTF-8. An integer field given a number with no fractional part
    (`2.0`) takes it as that integer, and stores and returns `2`.

        Attributes:
            ambassadors (None | str | Unset): Contact persons of the client, free text.
            contact_phones (None | str | Unset): Contact telephone numbers, free text.
            dial_rule_id (int | None | Unset): Id of the outgoing call rule applied to the client's calls by default.
            did_as_transfer_caller_id (None | str | Unset): When a call is forwarded on, the external number (DID) the call
                first
                arrived on is shown as the caller id; this is that setting's value.
            disk_space_notify_email (None | str | Unset): Address that is e-mailed when the client's disk space use passes
                `disk_space_notify_threshold`.
            disk_space_notify_threshold (int | None | Unset): Percentage of the client's disk space whose use triggers the
                e-mail, 0 to 100.
            email (None | str | Unset): The client's main e-mail address.
            extra_params (None | str | Unset): Extra settings of the client, free text kept as given.
            fact_address (None | str | Unset): The client's actual (postal) address.
            geo_list (str | Unset): Countries from whose IP addresses the client's SIP accounts may be used:
                ISO 3166-1 alpha-2 codes in capitals separated by single spaces, such as
                `RU US BY`. An empty string means the provider's default list; `*` means
                every country.
            hold_music (int | None | Unset): Id of the sound played to callers on hold; `null` for the provider's default.
            jur_address (None | str | Unset): The client's legal address.
            language (str | Unset): Language of the client's voice prompts and messages, an ISO 639-1 code in lower case
                such as `en`.
            name (str | Unset): The client's name.
            timezone (str | Unset): The client's time zone: a name from the IANA time zone database such as
                `Europe/Minsk`, or `UTC`. Names the database does not know are rejected.
            type_ (ClientUpdateType | Unset): `J` for a legal entity, `F` for an individual.
    """

    ambassadors: None | str | Unset = UNSET
    contact_phones: None | str | Unset = UNSET
    dial_rule_id: int | None | Unset = UNSET
    did_as_transfer_caller_id: None | str | Unset = UNSET
    disk_space_notify_email: None | str | Unset = UNSET
    disk_space_notify_threshold: int | None | Unset = UNSET
    email: None | str | Unset = UNSET
    extra_params: None | str | Unset = UNSET
    fact_address: None | str | Unset = UNSET
    geo_list: str | Unset = UNSET
    hold_music: int | None | Unset = UNSET
    jur_address: None | str | Unset = UNSET
    language: str | Unset = UNSET
    name: str | Unset = UNSET
    timezone: str | Unset = UNSET
    type_: ClientUpdateType | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        ambassadors: None | str | Unset
        if isinstance(self.ambassadors, Unset):
            ambassadors = UNSET
        else:
            ambassadors = self.ambassadors

        contact_phones: None | str | Unset
        if isinstance(self.contact_phones, Unset):
            contact_phones = UNSET
        else:
            contact_phones = self.contact_phones

        dial_rule_id: int | None | Unset
        if isinstance(self.dial_rule_id, Unset):
            dial_rule_id = UNSET
        else:
            dial_rule_id = self.dial_rule_id

        did_as_transfer_caller_id: None | str | Unset
        if isinstance(self.did_as_transfer_caller_id, Unset):
            did_as_transfer_caller_id = UNSET
        else:
            did_as_transfer_caller_id = self.did_as_transfer_caller_id

        disk_space_notify_email: None | str | Unset
        if isinstance(self.disk_space_notify_email, Unset):
            disk_space_notify_email = UNSET
        else:
            disk_space_notify_email = self.disk_space_notify_email

        disk_space_notify_threshold: int | None | Unset
        if isinstance(self.disk_space_notify_threshold, Unset):
            disk_space_notify_threshold = UNSET
        else:
            disk_space_notify_threshold = self.disk_space_notify_threshold

        email: None | str | Unset
        if isinstance(self.email, Unset):
            email = UNSET
        else:
            email = self.email

        extra_params: None | str | Unset
        if isinstance(self.extra_params, Unset):
            extra_params = UNSET
        else:
            extra_params = self.extra_params

        fact_address: None | str | Unset
        if isinstance(self.fact_address, Unset):
            fact_address = UNSET
        else:
            fact_address = self.fact_address

        geo_list = self.geo_list

        hold_music: int | None | Unset
        if isinstance(self.hold_music, Unset):
            hold_music = UNSET
        else:
            hold_music = self.hold_music

        jur_address: None | str | Unset
        if isinstance(self.jur_address, Unset):
            jur_address = UNSET
        else:
            jur_address = self.jur_address

        language = self.language

        name = self.name

        timezone = self.timezone

        type_: str | Unset = UNSET
        if not isinstance(self.type_, Unset):
            type_ = self.type_

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if ambassadors is not UNSET:
            field_dict["ambassadors"] = ambassadors
        if contact_phones is not UNSET:
            field_dict["contact_phones"] = contact_phones
        if dial_rule_id is not UNSET:
            field_dict["dial_rule_id"] = dial_rule_id
        if did_as_transfer_caller_id is not UNSET:
            field_dict["did_as_transfer_caller_id"] = did_as_transfer_caller_id
        if disk_space_notify_email is not UNSET:
            field_dict["disk_space_notify_email"] = disk_space_notify_email
        if disk_space_notify_threshold is not UNSET:
            field_dict["disk_space_notify_threshold"] = disk_space_notify_threshold
        if email is not UNSET:
            field_dict["email"] = email
        if extra_params is not UNSET:
            field_dict["extra_params"] = extra_params
        if fact_address is not UNSET:
            field_dict["fact_address"] = fact_address
        if geo_list is not UNSET:
            field_dict["geo_list"] = geo_list
        if hold_music is not UNSET:
            field_dict["hold_music"] = hold_music
        if jur_address is not UNSET:
            field_dict["jur_address"] = jur_address
        if language is not UNSET:
            field_dict["language"] = language
        if name is not UNSET:
            field_dict["name"] = name
        if timezone is not UNSET:
            field_dict["timezone"] = timezone
        if type_ is not UNSET:
            field_dict["type"] = type_

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_ambassadors(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        ambassadors = _parse_ambassadors(d.pop("ambassadors", UNSET))

        def _parse_contact_phones(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        contact_phones = _parse_contact_phones(d.pop("contact_phones", UNSET))

        def _parse_dial_rule_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        dial_rule_id = _parse_dial_rule_id(d.pop("dial_rule_id", UNSET))

        def _parse_did_as_transfer_caller_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        did_as_transfer_caller_id = _parse_did_as_transfer_caller_id(d.pop("did_as_transfer_caller_id", UNSET))

        def _parse_disk_space_notify_email(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        disk_space_notify_email = _parse_disk_space_notify_email(d.pop("disk_space_notify_email", UNSET))

        def _parse_disk_space_notify_threshold(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        disk_space_notify_threshold = _parse_disk_space_notify_threshold(d.pop("disk_space_notify_threshold", UNSET))

        def _parse_email(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        email = _parse_email(d.pop("email", UNSET))

        def _parse_extra_params(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        extra_params = _parse_extra_params(d.pop("extra_params", UNSET))

        def _parse_fact_address(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        fact_address = _parse_fact_address(d.pop("fact_address", UNSET))

        geo_list = d.pop("geo_list", UNSET)

        def _parse_hold_music(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        hold_music = _parse_hold_music(d.pop("hold_music", UNSET))

        def _parse_jur_address(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        jur_address = _parse_jur_address(d.pop("jur_address", UNSET))

        language = d.pop("language", UNSET)

        name = d.pop("name", UNSET)

        timezone = d.pop("timezone", UNSET)

        _type_ = d.pop("type", UNSET)
        type_: ClientUpdateType | Unset
        if isinstance(_type_, Unset):
            type_ = UNSET
        else:
            type_ = check_client_update_type(_type_)

        client_update = cls(
            ambassadors=ambassadors,
            contact_phones=contact_phones,
            dial_rule_id=dial_rule_id,
            did_as_transfer_caller_id=did_as_transfer_caller_id,
            disk_space_notify_email=disk_space_notify_email,
            disk_space_notify_threshold=disk_space_notify_threshold,
            email=email,
            extra_params=extra_params,
            fact_address=fact_address,
            geo_list=geo_list,
            hold_music=hold_music,
            jur_address=jur_address,
            language=language,
            name=name,
            timezone=timezone,
            type_=type_,
        )

        return client_update
