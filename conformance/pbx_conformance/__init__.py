"""The conformance suite: holds any server of the Client API, emulated or real, to openapi.yaml.

`pbx-conformance run` drives schemathesis (every built-in check, in the examples, coverage, fuzzing and
stateful phases) with the same openapi.yaml, adds the checks the document alone cannot express, restores
what it changed, and writes a console summary, JUnit XML, JSON and HTML reports.
"""
