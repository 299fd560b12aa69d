"""Regeneration cannot silently lose a field: a field added to the spec comes out typed, never `Any`."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import griffe
import pytest
import yaml

from pbx_generator import face as generator
from pbx_kit.contract import DEFAULT_SPEC_PATH, ROOT
from pbx_kit.variant_steps import VariantError, check_every_property_typed, inline_property_references


def _model_fields(package_folder: Path) -> dict[str, str]:
    """`Class.field` -> annotation of every attrs model field of a generated pbx_api."""
    package = griffe.load("pbx_api", search_paths=[str(package_folder)], allow_inspection=False)
    models = package["models"]
    fields = {}
    for module in models.modules.values():
        for cls in module.classes.values():
            for name, member in cls.attributes.items():
                if member.annotation is not None and name != "additional_properties":
                    fields[f"{cls.name}.{name}"] = str(member.annotation)
    return fields


def _schema_properties(document: dict[str, Any]) -> list[str]:
    return [
        f"{name}.{prop}"
        for name, schema in document["components"]["schemas"].items()
        for prop in (schema.get("properties") or {})
    ]


@pytest.mark.slow
def test_a_writable_field_added_to_the_spec_alone_comes_out_typed(tmp_path: Path) -> None:
    # As a new user would: the field in Client, and a $ref to it in ClientUpdate; no overlay touched.
    document = copy.deepcopy(yaml.safe_load(DEFAULT_SPEC_PATH.read_text(encoding="utf-8")))
    client = document["components"]["schemas"]["Client"]
    client["properties"]["nickname"] = {"type": ["string", "null"], "maxLength": 64, "description": "A short name."}
    client["required"].append("nickname")
    document["components"]["schemas"]["ClientUpdate"]["properties"]["nickname"] = {
        "$ref": "#/components/schemas/Client/properties/nickname"
    }
    spec = tmp_path / "openapi.yaml"
    spec.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), encoding="utf-8")
    (tmp_path / "out").mkdir()
    package = generator.generate(tmp_path / "out", spec)
    # Whatever the models are named: the client as read, and the update body, each have the field, typed.
    nicknames = {name: annotation for name, annotation in _model_fields(package.parent).items() if ".nickname" in name}
    assert len(nicknames) == 2, nicknames
    for annotation in nicknames.values():
        assert set(annotation.split(" | ")) - {"Unset"} == {"None", "str"}, nicknames


def test_no_field_of_the_committed_sdk_is_any() -> None:
    fields = _model_fields(ROOT / "generated")
    assert fields, "griffe found the models"
    assert {name: annotation for name, annotation in fields.items() if "Any" in annotation} == {}


def test_every_property_of_the_sdk_input_is_typed_after_inlining() -> None:
    document = inline_property_references(yaml.safe_load(DEFAULT_SPEC_PATH.read_text(encoding="utf-8")))
    check_every_property_typed(document)
    text = yaml.safe_dump(document)
    assert "/properties/" not in "".join(line for line in text.splitlines() if "$ref" in line)
    assert len(_schema_properties(document)) > 20


def test_an_untyped_property_stops_the_generation() -> None:
    document = yaml.safe_load(DEFAULT_SPEC_PATH.read_text(encoding="utf-8"))
    document["components"]["schemas"]["ClientUpdate"]["properties"]["mystery"] = {"description": "no type"}
    with pytest.raises(VariantError, match=r"ClientUpdate\.mystery"):
        check_every_property_typed(inline_property_references(document))
    # And so does the generator's own preparation, which runs the same step.
    with pytest.raises(VariantError, match=r"ClientUpdate\.mystery"):
        generator.sdk_input(document)


def test_a_reference_to_nothing_stops_the_generation() -> None:
    document = yaml.safe_load(DEFAULT_SPEC_PATH.read_text(encoding="utf-8"))
    document["components"]["schemas"]["ClientUpdate"]["properties"]["name"] = {
        "$ref": "#/components/schemas/Client/properties/no_such_field"
    }
    with pytest.raises(VariantError, match="no_such_field, which does not exist"):
        inline_property_references(document)
