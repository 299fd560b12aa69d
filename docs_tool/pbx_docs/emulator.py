"""The emulator's demo applications, from its bundled seed (`pbx_emulator.defaults.SEED_PATH`, read by
`pbx_kit.seed`)."""

from __future__ import annotations

from pbx_docs.markdown import code, table
from pbx_emulator.defaults import SEED_PATH
from pbx_kit.seed import load_seed

ACCESS = {"All": "reads and writes", "Call API": "reads only: a `PUT` answers 403 `app_access_type_deny`"}


def demo_credentials() -> str:
    rows = []
    for client in load_seed(SEED_PATH):
        who = f"{client.client['id']} {client.client['name']}" + (
            " (blocked: every call answers 403 `user_blocked`)" if client.blocked else ""
        )
        for application in client.applications:
            level = f"{application.access_level} ({ACCESS[application.access_level]})"
            rows.append((code(application.app_id), code(application.app_secret), level, who))
    return table(("App ID", "App Secret", "access level", "client"), rows)
