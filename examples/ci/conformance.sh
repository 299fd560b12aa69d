#!/usr/bin/env bash
# The conformance suite at a pinned version, held against a staging server: a CI job as a plain shell script.
# (examples/github-actions/conformance.yml is the same job for GitHub Actions; tests/distributions/test_ci_recipe.py runs
# this script against the emulator, installing from a package index of its own.)
#
# From the environment (a CI system's secrets; nothing is written to the log):
#   PBX_BASE_URL                                     the staging server's API, https://HOST/api/ver1.0
#   PBX_CLIENT_ID, PBX_CLIENT_SECRET                 an "All" application of the client under test
#   PBX_READONLY_CLIENT_ID, PBX_READONLY_CLIENT_SECRET   a "Call API" application of the same client (optional)
#   PBX_OTHER_CLIENT_ID, PBX_OTHER_CLIENT_SECRET     an application of another client (optional)
#   any other option of `pbx-conformance run` as PBX_<OPTION> (PBX_MAX_EXAMPLES, PBX_SPEC, ...)
#   PIP_INDEX_URL                                    another package index than PyPI (optional)
# Writes reports/conformance/: junit.xml, report.html, report.json and the snapshot `restore --from` reads.
# Exit status: the suite's. 0 the server conforms, 1 it does not, 2 the run could not happen.
set -euo pipefail

python3 -m venv .pbx-conformance
. .pbx-conformance/bin/activate

python -m pip install --quiet "pbx-conformance==1.0.0"
pbx-conformance --version
pbx-conformance run --report-dir reports/conformance
