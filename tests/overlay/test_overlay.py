"""The overlay applier: the Overlay specification's compliant sets, edge cases, strictness and determinism."""

from __future__ import annotations

import hashlib
import textwrap
from pathlib import Path

import pytest
import yaml

from pbx_kit.document import dump_document
from pbx_kit.overlay import (
    ALLOW_NO_MATCH,
    OverlayError,
    apply_files,
    apply_overlay,
    apply_overlays,
    inputs_sha256,
    parse_overlay,
)
from pbx_kit.overlay_cli import main as cli
from pbx_kit.variants import VariantError, variant_document, variant_file_document, variant_overlays

ROOT = Path(__file__).resolve().parents[2]
# The Overlay Specification's compliant sets, kept beside this file under their Apache-2.0 licence (see its README).
COMPLIANT_SETS = Path(__file__).resolve().parent / "compliant_sets"
# sha256 of the official Overlay schemas (Overlay-Specification, schemas/v1.x/schema.yaml at commit 5de61eb).
OFFICIAL_SCHEMA_SHA256 = {
    "v1.0": "209a9755d58f96b5d80bf5a3ed4f6f2b9e77550fa27849cd67bd50bc3eabfa83",
    "v1.1": "c9988e3656d7f9de217654a3fc67b093c009668be357c86f07fd76b260863a51",
}


def overlay(actions: str, version: str = "1.1.0", name: str = "test.overlay.yaml"):
    text = f"overlay: {version}\ninfo:\n  title: test\n  version: 1.0.0\nactions:\n" + textwrap.indent(
        textwrap.dedent(actions), "  "
    )
    return parse_overlay(text, name)


def compliant_sets() -> list[Path]:
    return sorted(path for path in COMPLIANT_SETS.iterdir() if path.is_dir())


def test_every_compliant_set_is_here() -> None:
    assert [folder.name for folder in compliant_sets()] == [
        "add-a-license",
        "description-and-summary",
        "remove-example",
        "remove-matching-responses",
        "remove-property",
        "remove-server",
        "replace-servers-for-sandbox",
        "update-root",
    ]


@pytest.mark.parametrize("folder", compliant_sets(), ids=lambda path: path.name)
def test_compliant_set_reproduces_its_output(folder: Path) -> None:
    result = apply_files(folder / "openapi.yaml", [folder / "overlay.yaml"])
    expected = yaml.safe_load((folder / "output.yaml").read_text(encoding="utf-8"))
    assert result == expected
    assert yaml.safe_load(dump_document(result)) == expected


@pytest.mark.parametrize("version", sorted(OFFICIAL_SCHEMA_SHA256))
def test_the_applier_validates_with_the_official_schemas(version: str) -> None:
    packaged = ROOT / "kit" / "pbx_kit" / "overlay_schemas" / version / "schema.yaml"
    assert hashlib.sha256(packaged.read_bytes()).hexdigest() == OFFICIAL_SCHEMA_SHA256[version]


def test_filter_with_and_selects_only_nodes_matching_both() -> None:
    document = {"servers": [{"url": "a", "x-env": "dev", "x-region": "eu"}, {"url": "b", "x-env": "dev"}]}
    result = apply_overlay(
        document,
        overlay("""
            - target: "$.servers[?@['x-env'] == 'dev' && @['x-region'] == 'eu']"
              update: {description: dev in the EU}
            """),
    )
    assert result["servers"][0]["description"] == "dev in the EU"
    assert "description" not in result["servers"][1]


def test_bracketed_key_with_slashes_and_braces() -> None:
    document = {"paths": {"/client/{client_id}/client/": {"get": {"summary": "old"}}, "/other/": {}}}
    result = apply_overlay(
        document,
        overlay("""
            - target: "$.paths['/client/{client_id}/client/'].get"
              update: {summary: new}
            """),
    )
    assert result["paths"]["/client/{client_id}/client/"]["get"]["summary"] == "new"
    assert result["paths"]["/other/"] == {}


def test_removal_inside_an_array_removes_every_match_and_keeps_the_rest_in_order() -> None:
    document = {"tags": [{"name": "a", "x": 1}, {"name": "b"}, {"name": "c", "x": 1}, {"name": "d"}, {"x": 1}]}
    result = apply_overlay(document, overlay("- target: $.tags[?@.x == 1]\n  remove: true\n"))
    assert result["tags"] == [{"name": "b"}, {"name": "d"}]


def test_removal_of_array_items_by_index_and_slice() -> None:
    document = {"items": [0, 1, 2, 3, 4, 5]}
    result = apply_overlay(document, overlay("- target: '$.items[0, 2, 4:]'\n  remove: true\n"))
    assert result["items"] == [1, 3]


def test_update_merges_objects_recursively_and_concatenates_arrays() -> None:
    document = {"info": {"title": "t", "contact": {"name": "n"}, "x-list": [1]}}
    result = apply_overlay(
        document,
        overlay("""
            - target: $.info
              update: {title: T, contact: {url: 'https://x'}, x-list: [2, 3]}
            """),
    )
    assert result["info"] == {"title": "T", "contact": {"name": "n", "url": "https://x"}, "x-list": [1, 2, 3]}


def test_update_on_an_array_appends_the_value_as_one_entry() -> None:
    result = apply_overlay({"tags": [{"name": "a"}]}, overlay("- target: $.tags\n  update: {name: b}\n"))
    assert result["tags"] == [{"name": "a"}, {"name": "b"}]


def test_actions_run_in_order_each_on_the_previous_result() -> None:
    result = apply_overlay(
        {"servers": [{"url": "a"}]},
        overlay("""
            - target: $.servers
              remove: true
            - target: $
              update: {servers: [{url: sandbox}]}
            - target: $.servers[0]
              update: {description: the sandbox}
            """),
    )
    assert result["servers"] == [{"url": "sandbox", "description": "the sandbox"}]


def test_copy_merges_the_source_node_into_every_target() -> None:
    document = {"components": {"schemas": {"A": {"type": "string", "maxLength": 3}, "B": {"description": "b"}}}}
    result = apply_overlay(document, overlay("- target: $.components.schemas.B\n  copy: $.components.schemas.A\n"))
    assert result["components"]["schemas"]["B"] == {"description": "b", "type": "string", "maxLength": 3}
    assert result["components"]["schemas"]["A"] is not result["components"]["schemas"]["B"]


def test_copy_source_must_be_exactly_one_node() -> None:
    document = {"a": {}, "b": [{"x": 1}, {"x": 2}]}
    with pytest.raises(OverlayError, match=r"test.overlay.yaml: action 0 \(target \$.a\).*must match exactly one"):
        apply_overlay(document, overlay("- target: $.a\n  copy: $.b[*]\n"))


def test_copy_is_not_an_overlay_1_0_action() -> None:
    with pytest.raises(OverlayError, match=r"does not follow the Overlay 1\.0\.0 schema"):
        overlay("- target: $.a\n  copy: $.b\n", version="1.0.0")


def test_a_target_that_matches_nothing_names_the_file_and_the_action() -> None:
    actions = "- target: $.info\n  update: {title: x}\n- target: $.paths['/nowhere/']\n  remove: true\n"
    with pytest.raises(OverlayError) as raised:
        apply_overlay({"info": {}, "paths": {}}, overlay(actions, name="overlays/sdk.overlay.yaml"))
    assert str(raised.value).startswith("overlays/sdk.overlay.yaml: action 1 (target $.paths['/nowhere/'])")
    assert "matches nothing" in str(raised.value)


def test_an_action_marked_allowed_to_match_nothing_is_skipped() -> None:
    actions = f"- target: $.paths['/nowhere/']\n  remove: true\n  {ALLOW_NO_MATCH}: true\n"
    assert apply_overlay({"paths": {}}, overlay(actions)) == {"paths": {}}


@pytest.mark.parametrize(
    ("document", "update", "message"),
    [
        (
            {"info": {"title": "t"}},
            "{title: {text: t}}",
            r"cannot merge an object into a str value \(member \['title'\]",
        ),
        ({"info": {"tags": ["a"]}}, "{tags: a}", r"cannot merge a str value into an array"),
        ({"info": "text"}, "{x: 1}", r"the target is a str value"),
        ({"info": {}}, "[1]", r"cannot merge an array into an object"),
    ],
)
def test_an_update_that_conflicts_with_its_target_is_an_error(document, update, message) -> None:
    with pytest.raises(OverlayError, match=r"test.overlay.yaml: action 0 \(target \$.info\): " + message):
        apply_overlay(document, overlay(f"- target: $.info\n  update: {update}\n"))


def test_an_error_leaves_the_input_untouched() -> None:
    document = {"info": {"title": "t"}, "paths": {}}
    actions = "- target: $.info\n  update: {title: changed}\n- target: $.nothing\n  remove: true\n"
    with pytest.raises(OverlayError):
        apply_overlay(document, overlay(actions))
    assert document == {"info": {"title": "t"}, "paths": {}}


@pytest.mark.parametrize(
    ("actions", "message"),
    [
        ("- target: $.a\n  update: {x: 1}\n  remove: true\n", "needs exactly one of update, copy, remove"),
        ("- target: $.a\n  description: does nothing\n", "needs exactly one of update, copy, remove"),
        ("- target: $.a\n  update: {}\n  copy: $.b\n", "needs exactly one of update, copy, remove"),
        ("- target: $.a[?@.x ==]\n  remove: true\n", "not an RFC 9535 JSONPath query"),
        ("- target: $.a.length()\n  remove: true\n", "not an RFC 9535 JSONPath query"),
        ("- target: a.b\n  remove: true\n", "does not follow the Overlay 1.1.0 schema"),
        ("- target: $.a\n  remove: true\n  extra: 1\n", "does not follow the Overlay 1.1.0 schema"),
    ],
)
def test_invalid_overlays_are_rejected_before_anything_is_applied(actions: str, message: str) -> None:
    with pytest.raises(OverlayError, match=message):
        overlay(actions)


def test_the_root_cannot_be_removed() -> None:
    with pytest.raises(OverlayError, match=r"action 0 \(target \$\): cannot remove the document's root"):
        apply_overlay({"a": 1}, overlay("- target: $\n  remove: true\n"))


def test_unsupported_versions_and_non_overlays_are_rejected() -> None:
    with pytest.raises(OverlayError, match=r"unsupported overlay version '2\.0\.0'"):
        overlay("- target: $\n  update: {}\n", version="2.0.0")
    with pytest.raises(OverlayError, match="must be a mapping"):
        parse_overlay("- just a list", "x.overlay.yaml")


def test_update_values_are_copied_per_target_so_no_node_is_shared() -> None:
    document = {"paths": {"/a": {"get": {}}, "/b": {"get": {}}}}
    result = apply_overlay(document, overlay("- target: $.paths.*.get\n  update: {x-meta: {tags: [t]}}\n"))
    first, second = (result["paths"][path]["get"]["x-meta"] for path in ("/a", "/b"))
    assert first == second and first is not second and first["tags"] is not second["tags"]
    first["tags"].append("changed")
    assert second["tags"] == ["t"]


def test_output_has_no_yaml_anchors_even_when_the_input_had_aliases() -> None:
    document = yaml.safe_load("shared: &s {a: 1}\none: *s\ntwo: *s\n")
    result = apply_overlay(document, overlay("- target: $.one\n  update: {b: 2}\n"))
    assert result["two"] == {"a": 1} and result["one"] == {"a": 1, "b": 2}
    text = dump_document(result)
    assert "&" not in text and "*" not in text


def test_output_is_deterministic_and_keeps_document_order() -> None:
    document = {"z": 1, "a": {"y": [1, 2], "b": "multi\nline\n"}}
    ops = overlay("- target: $.a\n  update: {c: 3}\n")
    first, second = dump_document(apply_overlay(document, ops)), dump_document(apply_overlay(document, ops))
    assert first == second
    assert first.index("z:") < first.index("a:") < first.index("c:")
    assert yaml.safe_load(first) == {"z": 1, "a": {"y": [1, 2], "b": "multi\nline\n", "c": 3}}


def test_overlays_apply_in_sequence() -> None:
    first = overlay("- target: $\n  update: {info: {title: one}}\n")
    second = overlay("- target: $.info\n  update: {title: two}\n")
    assert apply_overlays({}, [first, second]) == {"info": {"title": "two"}}


def test_the_sdk_variant_lists_existing_overlays_each_with_a_description() -> None:
    paths = variant_overlays(ROOT / "overlays", "sdk")
    for path in paths:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert document["info"].get("description"), f"{path.name} says why it exists"
    assert sorted(p.name for p in (ROOT / "overlays").glob("*.overlay.yaml")) == sorted(p.name for p in paths)


def test_inputs_hash_changes_with_any_input(tmp_path: Path) -> None:
    spec, extra = tmp_path / "spec.yaml", tmp_path / "a.overlay.yaml"
    spec.write_text("openapi: 3.1.0\n")
    extra.write_text("overlay: 1.0.0\n")
    before = inputs_sha256(spec, [extra])
    assert before == inputs_sha256(spec, [extra]) and len(before) == 64
    extra.write_text("overlay: 1.0.1\n")
    assert inputs_sha256(spec, [extra]) != before


def test_cli_applies_overlays_and_reports_errors_without_a_traceback(tmp_path: Path, capsys) -> None:
    spec = tmp_path / "openapi.yaml"
    spec.write_text("openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n")
    good, bad = tmp_path / "good.overlay.yaml", tmp_path / "bad.overlay.yaml"
    good.write_text(
        "overlay: 1.0.0\ninfo: {title: g, version: '1'}\nactions:\n  - target: $.info\n    update: {x: 1}\n"
    )
    bad.write_text("overlay: 1.0.0\ninfo: {title: b, version: '1'}\nactions:\n  - target: $.nope\n    remove: true\n")
    out = tmp_path / "out.yaml"
    assert cli(["apply", str(spec), str(good), "-o", str(out)]) == 0
    assert yaml.safe_load(out.read_text())["info"]["x"] == 1
    assert cli(["apply", str(spec), str(good), str(bad), "-o", str(tmp_path / "never.yaml")]) == 1
    error = capsys.readouterr().err
    assert "bad.overlay.yaml: action 0 (target $.nope)" in error and "Traceback" not in error
    assert not (tmp_path / "never.yaml").exists()


def test_cli_answers_an_input_it_cannot_read_with_one_line_and_exit_2(tmp_path: Path, capsys) -> None:
    spec = tmp_path / "openapi.yaml"
    spec.write_text("openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n")
    overlay = tmp_path / "good.overlay.yaml"
    overlay.write_text(
        "overlay: 1.0.0\ninfo: {title: g, version: '1'}\nactions:\n  - target: $.info\n    update: {x: 1}\n"
    )
    not_yaml = tmp_path / "not-yaml.yaml"
    not_yaml.write_text("key: [unclosed\n")
    missing = tmp_path / "MISSING.yaml"
    for args in ([missing, overlay], [spec, missing], [not_yaml, overlay], [tmp_path, overlay]):
        assert cli(["apply", *map(str, args), "-o", str(tmp_path / "never.yaml")]) == 2, args
        error = capsys.readouterr().err
        assert len(error.strip().splitlines()) == 1 and "Traceback" not in error, error
    assert not (tmp_path / "never.yaml").exists()


def test_cli_variant_and_hash(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    out = tmp_path / "sdk.yaml"
    assert cli(["variant", "sdk", "-o", str(out)]) == 0
    assert "ClientUpdate" in yaml.safe_load(out.read_text())["components"]["schemas"]
    assert cli(["hash", "sdk"]) == 0
    assert len(capsys.readouterr().out.strip()) == 64
    assert cli(["variant", "nope"]) == 1
    assert "no variant 'nope'" in capsys.readouterr().err


def test_the_sdk_variant_is_still_a_valid_openapi_document() -> None:
    from openapi_spec_validator import validate

    validate(apply_files(ROOT / "openapi.yaml", variant_overlays(ROOT / "overlays", "sdk")))
    validate(variant_file_document(ROOT / "openapi.yaml", ROOT / "overlays", "sdk"))


def test_cli_variant_runs_the_variants_steps_so_the_update_body_keeps_its_enums(tmp_path: Path, monkeypatch) -> None:
    # The overlays alone loosen `Client`'s enums and, through its references, `ClientUpdate`'s: the variant inlines
    # the references first (its `before` step), so the update body keeps them.
    monkeypatch.chdir(ROOT)
    out = tmp_path / "sdk.yaml"
    assert cli(["variant", "sdk", "-o", str(out)]) == 0
    schemas = yaml.safe_load(out.read_text())["components"]["schemas"]
    assert schemas["ClientUpdate"]["properties"]["type"]["enum"]
    assert "enum" not in schemas["Client"]["properties"]["type"]
    assert "/properties/" not in out.read_text()


def test_a_variant_naming_an_unknown_step_is_refused(tmp_path: Path, capsys) -> None:
    (tmp_path / "variants.yaml").write_text("sdk:\n  before: [tidy-up]\n  overlays: []\n")
    with pytest.raises(VariantError, match=r"sdk\.before names no step 'tidy-up' \(known: .*inline-property"):
        variant_document({"openapi": "3.1.0", "paths": {}}, tmp_path, "sdk")
    assert cli(["variant", "sdk", "--overlays-dir", str(tmp_path)]) == 1
    assert "no step 'tidy-up'" in capsys.readouterr().err


def test_the_sdk_variant_fails_when_the_token_operation_it_removes_is_gone() -> None:
    # The token overlay must match: without the token path in the contract, its action would hide a regression.
    document = yaml.safe_load((ROOT / "openapi.yaml").read_text(encoding="utf-8"))
    document["paths"] = {path: item for path, item in document["paths"].items() if "servers" not in item}
    with pytest.raises(OverlayError, match=r"sdk-token-operation\.overlay\.yaml: action 0 .* matches nothing"):
        variant_document(document, ROOT / "overlays", "sdk")
