"""python -m scripts.screenshots [SET ...] [--out DIR]: see scripts/screenshots/__init__.py."""

from __future__ import annotations

import argparse
import importlib
import sys

from tests.support import browser as br

SETS = ("overview", "landscape", "numbers", "classroom", "honesty", "renders")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m scripts.screenshots", description=__doc__.splitlines()[0]
    )
    parser.add_argument("sets", nargs="*", metavar="SET", help=f"{', '.join(SETS)} (default: all)")
    parser.add_argument("--out", help="folder for the pictures (default docs/screenshots)")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.sets) - set(SETS))
    if unknown:
        parser.error(f"unknown set(s) {', '.join(unknown)}: choose from {', '.join(SETS)}")
    if br.chromium_executable() is None:
        print(br.HOW_TO_ENABLE, file=sys.stderr)
        return 2
    for name in args.sets or SETS:
        print(f"== {name}")
        module = importlib.import_module(f"scripts.screenshots.{name}")
        status = module.main(["--out", args.out] if args.out else [])
        if status:
            return int(status)
    return 0


if __name__ == "__main__":
    sys.exit(main())
