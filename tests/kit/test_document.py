"""pbx_kit.document: the one loader (one-line errors a command can print) and JSON Pointers as RFC 6901 writes them."""

from __future__ import annotations

from pathlib import Path

import pytest

from pbx_kit.document import DocumentError, pointer, read_document, read_openapi, resolve, unescape


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (None, "no such file"),
        (b"a: [1,\n", "not valid YAML (line"),
        (b"\xff\xfe\x00", "not UTF-8 text"),
        (b"- a list\n", "not an OpenAPI 3 document"),
        (b"openapi: 2.0\npaths: {}\n", "not an OpenAPI 3 document"),
        (b"openapi: 3.1.0\ninfo: {}\n", "without `paths`"),
    ],
)
def test_a_file_that_is_not_an_openapi_document_is_one_line_naming_it(
    tmp_path: Path, content: bytes | None, says: str
) -> None:
    path = tmp_path / "spec.yaml"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(DocumentError) as raised:
        read_openapi(path)
    message = str(raised.value)
    assert message.startswith(str(path)) and says in message and "\n" not in message


def test_a_folder_is_not_a_document(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="is a folder"):
        read_document(tmp_path)


def test_pointers_escape_as_rfc_6901_says() -> None:
    # RFC 6901 section 5's examples: "a/b" is /a~1b and "m~n" is /m~0n.
    assert pointer(["paths", "/client/{id}/", "get"]) == "/paths/~1client~1{id}~1/get"
    assert pointer(["a/b", "m~n", 0]) == "/a~1b/m~0n/0"
    assert unescape("~01") == "~1", "~0 is undone after ~1, so `~01` is `~1`, not `/`"
    document = {"a/b": {"m~n": [10, 20]}, "": 0}
    assert resolve(document, "#" + pointer(["a/b", "m~n", 1])) == 20
    assert resolve(document, "#") is document
