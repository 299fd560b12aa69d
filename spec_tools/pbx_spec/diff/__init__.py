"""What a change to openapi.yaml breaks, and for whom: the change report behind `pbx-spec diff`.

Two revisions of the contract are compared on three separate axes:

- **wire**: would a client that works against BASE break against REVISION?
- **server**: would a server that conforms to BASE fail the conformance suite run with REVISION?
- **sdk**: would Python code written against BASE's generated `pbx_api` break against REVISION's? Decided from the
  two generated packages themselves (griffe), never guessed from the spec.

`rules` holds the wire and server rules, one file per family and one small function per kind of change;
`normalized` reads schemas as their meaning; `sdk_surface` generates and compares the SDKs; `report` renders the
result; `compare` runs all three axes.
"""
