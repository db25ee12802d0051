"""A province's data for the load run: the synthetic province of ``generate_catalogue``
(129 counties, about 1,400 townships and 14,000 villages, a station in each township), its
needs and offers, and agreements with years of ledger entries as ``stats_api`` makes them.

    XIANGXING_DATABASE_URL=postgresql+asyncpg://…/empty_db \
        uv run python benchmarks/province_data.py --needs 100000 --offers 20000 --agreements 20000
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import time

from generate_catalogue import generate as generate_catalogue
from stats_api import generate as generate_agreements

PROVINCE_COUNTIES = 129


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--needs", type=int, default=100_000)
    parser.add_argument("--offers", type=int, default=20_000)
    parser.add_argument("--agreements", type=int, default=20_000)
    arguments = parser.parse_args()
    if not os.environ.get("XIANGXING_DATABASE_URL", "").startswith("postgresql"):
        sys.exit("needs XIANGXING_DATABASE_URL naming an empty PostgreSQL database")
    started = time.perf_counter()
    asyncio.run(generate_catalogue(arguments.needs, arguments.offers, counties=PROVINCE_COUNTIES))
    entries = asyncio.run(generate_agreements(arguments.agreements, random.Random(20)))
    print(
        f"a province of {PROVINCE_COUNTIES} counties: {arguments.needs} needs, "
        f"{arguments.offers} offers, {arguments.agreements} agreements and {entries} ledger "
        f"entries in {time.perf_counter() - started:.0f} s"
    )


if __name__ == "__main__":
    main()
