#!/usr/bin/env bash
# The same job in bamho, Polars, DuckDB and pandas, on the same generated file, in one run:
# read households.csv, classify each household of the year under its standard, count poor and
# near-poor by commune × ethnic group, write the table. Prints times and ratios and checks that all
# four agree.
#
#   bench/run.sh                  # 1,000,000 and 10,000,000 households
#   bench/run.sh 200000           # any sizes
#   BAMHO_BENCH_NATION=27000000 bench/run.sh   # also the national run: generate → every aggregate
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000000 10000000)

cargo build --release --quiet
bamho=target/release/bamho
if [ ! -x bench/.venv/bin/python ]; then
  python3 -m venv bench/.venv
  bench/.venv/bin/pip install --quiet --upgrade pip
fi
bench/.venv/bin/pip install --quiet -r bench/requirements.txt

for n in "${sizes[@]}"; do
  dir="bench/out/$n"
  if [ ! -s "$dir/households.csv" ]; then
    "$bamho" generate --households "$n" --seed 1 --years 2025 --area nation --out "$dir" >/dev/null
  fi
  bench/.venv/bin/python bench/compare.py --bamho "$bamho" --input "$dir/households.csv" --year 2025
done

if [ -n "${BAMHO_BENCH_NATION:-}" ]; then
  bench/nation.sh "$BAMHO_BENCH_NATION"
fi
