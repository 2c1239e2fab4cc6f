#!/usr/bin/env python3
"""Two builds of bamho, side by side: `report --input FILE --by commune,ethnicity` run by each in
turn (the order swapped every round), N rounds; prints each build's median and best, and the median
of the paired differences. On a machine whose speed drifts, pairs of runs close in time tell two
builds apart where separate timings cannot.

    python3 bench/pair.py OLD_BINARY NEW_BINARY [ROUNDS] [--input households.csv] [--year 2025]
"""

import argparse
import statistics
import subprocess
import tempfile
import time
from pathlib import Path


def main():
    p = argparse.ArgumentParser()
    p.add_argument("a")
    p.add_argument("b")
    p.add_argument("rounds", nargs="?", type=int, default=30)
    p.add_argument("--input", default="bench/out/1000000/households.csv")
    p.add_argument("--year", default="2025")
    args = p.parse_args()
    out = Path(tempfile.mkdtemp()) / "report.json"
    times = {args.a: [], args.b: []}
    for i in range(args.rounds):
        for binary in (args.a, args.b) if i % 2 == 0 else (args.b, args.a):
            start = time.perf_counter()
            subprocess.run([binary, "report", "--input", args.input, "--year", args.year,
                            "--by", "commune,ethnicity", "--format", "json", "--out", str(out)], check=True)
            times[binary].append((time.perf_counter() - start) * 1000)
    for binary, ms in times.items():
        print(f"{binary}: median {statistics.median(ms):.1f} ms, best {min(ms):.1f} ms")
    diffs = [a - b for a, b in zip(times[args.a], times[args.b])]
    faster = sum(d > 0 for d in diffs)
    print(f"median difference (first − second): {statistics.median(diffs):.1f} ms; "
          f"the second faster in {faster} of {args.rounds} rounds")


if __name__ == "__main__":
    main()
