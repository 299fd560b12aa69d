"""`python -m pbx_docs write|check`: 0 when done (write) or nothing differs (check), 1 when a page differs, 2 on
bad arguments."""

from __future__ import annotations

import sys

from pbx_docs import pages


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args == ["write"]:
        for path in pages.write():
            print(f"wrote {path.relative_to(pages.DOCS.parent)}")
        return 0
    if args == ["check"]:
        stale = pages.stale()
        for path in stale:
            print(f"{path.relative_to(pages.DOCS.parent)} differs from what the code says; run `make docs-pages`")
        return 1 if stale else 0
    print("usage: python -m pbx_docs write|check", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
