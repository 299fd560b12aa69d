"""The exit codes of `pbx-conformance`, and CouldNotRun, the reason for the third."""

from __future__ import annotations

CONFORMS, DOES_NOT_CONFORM, COULD_NOT_RUN = 0, 1, 2


class CouldNotRun(Exception):
    """The run cannot happen; the message is the one-line reason."""
