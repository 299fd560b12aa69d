"""`pbx-conformance run`: exit 0 when the server conforms, 1 when it does not, 2 when the run could not happen."""

from __future__ import annotations

import sys

from pbx_conformance.run import COULD_NOT_RUN, CouldNotRun, execute
from pbx_conformance.settings import UsageError, parser, settings_from


def main(argv: list[str] | None = None) -> int:
    try:
        return execute(settings_from(parser().parse_args(argv)))
    except (UsageError, CouldNotRun) as error:
        print(f"pbx-conformance: could not run: {error}", file=sys.stderr)
        return COULD_NOT_RUN
    except KeyboardInterrupt:
        print("pbx-conformance: could not run: interrupted", file=sys.stderr)
        return COULD_NOT_RUN


if __name__ == "__main__":
    sys.exit(main())
