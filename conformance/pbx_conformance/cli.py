"""`pbx-conformance run`: exit 0 when the server conforms (with `--targets`: every target), 1 when it does not,
2 when the run could not happen.
`pbx-conformance restore --from DIR`: 0 when every snapshotted client is as before, 1 when a field could not be
put back, 2 when it could not run.
`pbx-conformance compare OLD NEW`: 1 when anything newly fails, 0 otherwise, 2 when it cannot compare.
`pbx-conformance merge DIR...`: a fleet's shards into one report, with the exit code of a whole fleet run."""

from __future__ import annotations

import os
import sys

from pbx_conformance.compare_command import compare_runs, compare_settings_from
from pbx_conformance.exit_codes import COULD_NOT_RUN, CouldNotRun
from pbx_conformance.fleet import run_fleet
from pbx_conformance.merge import merge_settings_from, merge_shards
from pbx_conformance.restore_command import restore_from
from pbx_conformance.settings import UsageError, option_value, parser, restore_settings_from, settings_from
from pbx_conformance.suite_run import hold_to_contract
from pbx_conformance.targets import fleet_settings_from
from pbx_kit.command_line import chosen_spec
from pbx_kit.document import DocumentError


def main(argv: list[str] | None = None) -> int:
    doing = "run"
    try:
        namespace = parser().parse_args(argv)
        # --spec, else $PBX_SPEC: for this run and the emulator it may start (compare and merge read reports only)
        chosen_spec(getattr(namespace, "spec", None))
        if namespace.command == "restore":
            return restore_from(restore_settings_from(namespace))
        if namespace.command == "compare":
            doing = "compare"
            return compare_runs(compare_settings_from(namespace))
        if namespace.command == "merge":
            doing = "merge"
            return merge_shards(merge_settings_from(namespace.shards, namespace.report_dir, namespace.quiet))
        if option_value(namespace, "--targets", dict(os.environ)) is not None:
            return run_fleet(fleet_settings_from(namespace))
        return hold_to_contract(settings_from(namespace))
    except (UsageError, CouldNotRun, DocumentError) as error:
        print(f"pbx-conformance: could not {doing}: {error}", file=sys.stderr)
        return COULD_NOT_RUN
    except KeyboardInterrupt:
        print(f"pbx-conformance: could not {doing}: interrupted", file=sys.stderr)
        return COULD_NOT_RUN


if __name__ == "__main__":
    sys.exit(main())
