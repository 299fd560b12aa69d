"""`pbx-conformance run`: exit 0 when the server conforms, 1 when it does not, 2 when the run could not happen.
`pbx-conformance restore --from DIR`: 0 when every snapshotted client is as before, 1 when a field could not be
put back, 2 when it could not run."""

from __future__ import annotations

import sys

from pbx_conformance.exit_codes import COULD_NOT_RUN, CouldNotRun
from pbx_conformance.restore_command import restore_from
from pbx_conformance.settings import UsageError, parser, restore_settings_from, settings_from
from pbx_conformance.suite_run import hold_to_contract
from pbx_kit.command_line import chosen_spec
from pbx_kit.document import DocumentError


def main(argv: list[str] | None = None) -> int:
    try:
        namespace = parser().parse_args(argv)
        chosen_spec(namespace.spec)  # --spec, else $PBX_SPEC: for this run and the emulator it may start
        if namespace.command == "restore":
            return restore_from(restore_settings_from(namespace))
        return hold_to_contract(settings_from(namespace))
    except (UsageError, CouldNotRun, DocumentError) as error:
        print(f"pbx-conformance: could not run: {error}", file=sys.stderr)
        return COULD_NOT_RUN
    except KeyboardInterrupt:
        print("pbx-conformance: could not run: interrupted", file=sys.stderr)
        return COULD_NOT_RUN


if __name__ == "__main__":
    sys.exit(main())
