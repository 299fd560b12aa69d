"""The SDK's hand-written runtime: every module here but this one is copied into pbx_api unchanged.

It is a package of the generator so that the generator imports `errors.ERROR_FOR_STATUS` (for the docstrings'
"Raises:" sections; `errors` needs only httpx) and mypy checks the runtime where it is edited. The modules import
each other as `pbx_api.*`, the package they run in.
"""
