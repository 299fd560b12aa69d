"""The documentation site's generated pages and tables, written from the code and the spec they describe.

Nothing here runs when a piece runs: `make docs` (and the drift test) import it, and it imports every piece,
as the site is about all of them. Each source is read in one module of this package (`checks` reads the suite's
registry, `faults` the emulator's FAULTS, `commands` each command's own argparse parser, ...), so a renamed
module of a piece needs one import changed here.

    python -m pbx_docs write   # rewrite every generated page and every generated block under docs/
    python -m pbx_docs check   # exit 1, naming each file, when a page under docs/ differs from what write writes
"""
