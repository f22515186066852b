"""Import throughput: Walmart train.csv into a fresh workspace vs DuckDB's own read_csv.

Prints one JSON object. The reference is DuckDB's ``read_csv`` of the same file into a
table of a fresh on-disk DuckDB file, measured in the same process, so the ratio says how
much the workbench's checks (encoding detection, typed conversion of every cell,
row-numbered problem reports, key checks, the transaction and the import record) cost
over landing the file with DuckDB alone. Target: ratio at most 3.

Usage: python benchmarks/bench_import.py [--data PATH_TO_train.csv] [--repeat N]
"""

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from workbench.data import Workspace, load_profile

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "walmart" / "train.csv"


def time_workbench(path: Path, folder: Path, run: int) -> tuple[float, int]:
    profile = load_profile("walmart")
    with Workspace(folder / f"workbench-{run}.duckdb") as workspace:
        start = time.perf_counter()
        result = workspace.import_file(path, profile)
        elapsed = time.perf_counter() - start
    return elapsed, result.rows


def time_duckdb(path: Path, folder: Path, run: int) -> tuple[float, int]:
    connection = duckdb.connect(str(folder / f"duckdb-{run}.duckdb"))
    start = time.perf_counter()
    connection.execute("CREATE TABLE sales AS SELECT * FROM read_csv(?)", [str(path)])
    elapsed = time.perf_counter() - start
    rows = connection.execute("SELECT count(*) FROM sales").fetchone()[0]
    connection.close()
    return elapsed, rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--repeat", type=int, default=5)
    arguments = parser.parse_args()
    if not arguments.data.is_file():
        print(f"train.csv not found at {arguments.data}; pass --data", file=sys.stderr)
        return 2

    workbench_times, duckdb_times = [], []
    with tempfile.TemporaryDirectory() as folder:
        for run in range(arguments.repeat):
            # Alternate the two so background load affects both alike.
            elapsed, rows = time_workbench(arguments.data, Path(folder), run)
            workbench_times.append(elapsed)
            reference, reference_rows = time_duckdb(arguments.data, Path(folder), run)
            duckdb_times.append(reference)
    if rows != reference_rows:
        print(f"row counts differ: workbench {rows}, duckdb {reference_rows}", file=sys.stderr)
        return 1
    median, reference_median = statistics.median(workbench_times), statistics.median(duckdb_times)
    print(json.dumps({
        "benchmark": "import_walmart_train",
        "rows": rows,
        "repeat": arguments.repeat,
        "workbench_import_s": round(median, 4),
        "duckdb_read_csv_s": round(reference_median, 4),
        "ratio": round(median / reference_median, 2),
        "target_ratio_max": 3,
        "rows_per_s": round(rows / median),
    }, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
