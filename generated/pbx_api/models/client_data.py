from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ClientData")


@_attrs_define
class ClientData:
    """A client (PBX tenant) as the API returns it. Every field is always present;
    a value that is not set is `null`. Fields marked read-only are set by the
    provider and cannot be changed through the API.

        Attributes:
            ambassadors (None | str): Contact persons of the client, free text.
            contact_phones (None | str): Contact telephone numbers, free text.
            create_date (str): When the client was created, `YYYY-MM-DD HH:MM:SS`, in the client's time zone. Set by the
                provider.
            dial_rule_id (int | None): Id of the outgoing call rule applied to the client's calls by default.
            did_as_transfer_caller_id (None | str): When a call is forwarded on, the external number (DID) the call first
                arrived on is shown as the caller id; this is that setting's value.
            disk_space_notify_email (None | str): Address that is e-mailed when the client's disk space use passes
                `disk_space_notify_threshold`.
            disk_space_notify_threshold (int | None): Percentage of the client's disk space whose use triggers the e-mail, 0
                to 100.
            domain (str): The client's SIP domain, such as `acme.pbx.example.com`. Set by the provider.
            domain_prefix (None | str): Prefix for full dialling across clients: with prefix `12345`, the
                extension `000*000@domain.zone` is reachable as `12345*000*000`.
                `null` when the client has none. Set by the provider.
            email (None | str): The client's main e-mail address.
            extension_len (str): Number of digits in the client's extension numbers. Fixed when the client is created.
            extra_params (None | str): Extra settings of the client, free text kept as given.
            fact_address (None | str): The client's actual (postal) address.
            geo_list (str): Countries from whose IP addresses the client's SIP accounts may be used:
                ISO 3166-1 alpha-2 codes in capitals separated by single spaces, such as
                `RU US BY`. An empty string means the provider's default list; `*` means
                every country.
            hold_music (int | None): Id of the sound played to callers on hold; `null` for the provider's default.
            id (int): The client's numeric id. Set by the provider.
            jur_address (None | str): The client's legal address.
            language (str): Language of the client's voice prompts and messages, an ISO 639-1 code in lower case such as
                `en`.
            name (str): The client's name.
            prefix (str): The client's prefix; its extensions are named `prefix*ext`. Set by the provider.
            reg_status_log (bool): Whether statistics of SIP registrations are kept for the client. Set by the provider.
            timezone (str): The client's time zone: a name from the IANA time zone database such as
                `Europe/Minsk`, or `UTC`. Names the database does not know are rejected.
            type_ (str): `J` for a legal entity, `F` for an individual.
    """

    ambassadors: None | str
    contact_phones: None | str
    create_date: str
    dial_rule_id: int | None
    did_as_transfer_caller_id: None | str
    disk_space_notify_email: None | str
    disk_space_notify_threshold: int | None
    domain: str
    domain_prefix: None | str
    email: None | str
    extension_len: str
    extra_params: None | str
    fact_address: None | str
    geo_list: str
    hold_music: int | None
    id: int
    jur_address: None | str
    language: str
    name: str
    prefix: str
    reg_status_log: bool
    timezone: str
    type_: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        ambassadors: None | str
        ambassadors = self.ambassadors

        contact_phones: None | str
        contact_phones = self.contact_phones

        create_date = self.create_date

        dial_rule_id: int | None
        dial_rule_id = self.dial_rule_id

        did_as_transfer_caller_id: None | str
        did_as_transfer_caller_id = self.did_as_transfer_caller_id

        disk_space_notify_email: None | str
        disk_space_notify_email = self.disk_space_notify_email

        disk_space_notify_threshold: int | None
        disk_space_notify_threshold = self.disk_space_notify_threshold

        domain = self.domain

        domain_prefix: None | str
        domain_prefix = self.domain_prefix

        email: None | str
        email = self.email

        extension_len = self.extension_len

        extra_params: None | str
        extra_params = self.extra_params

        fact_address: None | str
        fact_address = self.fact_address

        geo_list = self.geo_list

        hold_music: int | None
        hold_music = self.hold_music

        id = self.id

        jur_address: None | str
        jur_address = self.jur_address

        language = self.language

        name = self.name

        prefix = self.prefix

        reg_status_log = self.reg_status_log

        timezone = self.timezone

        type_ = self.type_

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "ambassadors": ambassadors,
                "contact_phones": contact_phones,
                "create_date": create_date,
                "dial_rule_id": dial_rule_id,
                "did_as_transfer_caller_id": did_as_transfer_caller_id,
                "disk_space_notify_email": disk_space_notify_email,
                "disk_space_notify_threshold": disk_space_notify_threshold,
                "domain": domain,
                "domain_prefix": domain_prefix,
                "email": email,
                "extension_len": extension_len,
                "extra_params": extra_params,
                "fact_address": fact_address,
                "geo_list": geo_list,
                "hold_music": hold_music,
                "id": id,
                "jur_address": jur_address,
                "language": language,
                "name": name,
                "prefix": prefix,
                "reg_status_log": reg_status_log,
                "timezone": timezone,
                "type": type_,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_ambassadors(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        ambassadors = _parse_ambassadors(d.pop("ambassadors"))

        def _parse_contact_phones(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        contact_phones = _parse_contact_phones(d.pop("contact_phones"))

        create_date = d.pop("create_date")

        def _parse_dial_rule_id(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        dial_rule_id = _parse_dial_rule_id(d.pop("dial_rule_id"))

        def _parse_did_as_transfer_caller_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        did_as_transfer_caller_id = _parse_did_as_transfer_caller_id(d.pop("did_as_transfer_caller_id"))

        def _parse_disk_space_notify_email(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        disk_space_notify_email = _parse_disk_space_notify_email(d.pop("disk_space_notify_email"))

        def _parse_disk_space_notify_threshold(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        disk_space_notify_threshold = _parse_disk_space_notify_threshold(d.pop("disk_space_notify_threshold"))

        domain = d.pop("domain")

        def _parse_domain_prefix(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        domain_prefix = _parse_domain_prefix(d.pop("domain_prefix"))

        def _parse_email(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        email = _parse_email(d.pop("email"))

        extension_len = d.pop("extension_len")

        def _parse_extra_params(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        extra_params = _parse_extra_params(d.pop("extra_params"))

        def _parse_fact_address(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        fact_address = _parse_fact_address(d.pop("fact_address"))

        geo_list = d.pop("geo_list")

        def _parse_hold_music(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        hold_music = _parse_hold_music(d.pop("hold_music"))

        id = d.pop("id")

        def _parse_jur_address(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        jur_address = _parse_jur_address(d.pop("jur_address"))

        language = d.pop("language")

        name = d.pop("name")

        prefix = d.pop("prefix")

        reg_status_log = d.pop("reg_status_log")

        timezone = d.pop("timezone")

        type_ = d.pop("type")

        client_data = cls(
            ambassadors=ambassadors,
            contact_phones=contact_phones,
            create_date=create_date,
            dial_rule_id=dial_rule_id,
            did_as_transfer_caller_id=did_as_transfer_caller_id,
            disk_space_notify_email=disk_space_notify_email,
            disk_space_notify_threshold=disk_space_notify_threshold,
            domain=domain,
            domain_prefix=domain_prefix,
            email=email,
            extension_len=extension_len,
            extra_params=extra_params,
            fact_address=fact_address,
            geo_list=geo_list,
            hold_music=hold_music,
            id=id,
            jur_address=jur_address,
            language=language,
            name=name,
            prefix=prefix,
            reg_status_log=reg_status_log,
            timezone=timezone,
            type_=type_,
        )

        client_data.additional_properties = d
        return client_data

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
