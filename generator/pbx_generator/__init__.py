"""The SDK generator: openapi.yaml, made into its `sdk` variant, into generated/pbx_api by openapi-python-client.

    pbx-generate            # write generated/ (make generate)
    pbx-generate --check    # regenerate in a temporary folder and compare with generated/ (make check-generated)

One module per job: `cli` (the command), `sdk_input` (the document openapi-python-client reads: the kit's `sdk`
variant), `generation` (running openapi-python-client, then adding the hand-written runtime and the spec facts it
reads), `distribution` (generated/'s pyproject.toml and README.md), `drift` (the check). Other pieces use the
generator through `pbx_generator.face` only. Package data: `config.yaml` (openapi-python-client's settings),
`templates/`, and `runtime/` (copied into pbx_api unchanged).
"""
