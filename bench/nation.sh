#!/usr/bin/env bash
# The national run: generate N households for one year (members are discarded: the report reads
# households.csv only), then every aggregate of the year from the file, with time and peak memory.
#
#   bench/nation.sh               # 27,000,000 households
#   bench/nation.sh 5000000
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-27000000}
cargo build --release --quiet
bamho=target/release/bamho
dir=bench/out/nation-$n
mkdir -p "$dir"
ln -sf /dev/null "$dir/members.csv"
if [ ! -s "$dir/households.csv" ]; then
  /usr/bin/time -f "generate: %e s, peak %M KB" \
    "$bamho" generate --households "$n" --seed 1 --years 2025 --area nation --out "$dir" >/dev/null
fi
ls -l "$dir/households.csv" | awk '{ printf "households.csv: %.1f GB\n", $5 / 1e9 }'
for by in province commune,ethnicity village,area district,minority; do
  /usr/bin/time -f "report --by $by: %e s, peak %M KB" \
    "$bamho" report --input "$dir/households.csv" --year 2025 --by "$by" --format json \
    --out "$dir/report-${by//,/-}.json"
done
