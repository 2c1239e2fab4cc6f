#!/usr/bin/env bash
# The 99th percentile of a commune dashboard on a SQLite database of N households (default
# 500,000, spread over the nation, reviews 2024–2025): generate, import, serve, sign in as the
# commune's officer, then time 500 requests after 20 to warm up.
# Usage: bench/dashboard.sh [HOUSEHOLDS]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-500000}
cargo build --release --quiet
bamho=target/release/bamho
out=bench/out/dashboard
rm -rf "$out" && mkdir -p "$out"
$bamho generate --households "$n" --seed 3 --years 2024-2025 --area nation --out "$out/gen" > /dev/null
$bamho import --db "$out/db.sqlite" "$out/gen/households.csv" "$out/gen/members.csv" "$out/gen/events.csv"
commune=$(awk -F, 'NR > 1 && $1 == 2025 { print $4; exit }' "$out/gen/households.csv")
echo 'bench-password-123' | $bamho user add --db "$out/db.sqlite" --username bench --role commune_officer --scope "$commune"
$bamho serve --db "$out/db.sqlite" --addr 127.0.0.1:8097 > "$out/serve.log" 2>&1 &
server=$!
trap 'kill $server' EXIT
sleep 2
jar="$out/cookies"
token=$(curl -s -c "$jar" -b "$jar" http://127.0.0.1:8097/login | grep -o 'name="csrf_token" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"//')
curl -s -o /dev/null -c "$jar" -b "$jar" -d "username=bench&password=bench-password-123&csrf_token=$token" http://127.0.0.1:8097/login
for _ in $(seq 1 20); do curl -s -o /dev/null -b "$jar" http://127.0.0.1:8097/dashboard; done
for _ in $(seq 1 500); do curl -s -o /dev/null -w '%{time_total}\n' -b "$jar" http://127.0.0.1:8097/dashboard; done > "$out/times.txt"
python3 - "$out/times.txt" "$n" "$commune" <<'PY'
import sys
t = sorted(float(x) * 1000 for x in open(sys.argv[1]))
p = lambda q: t[min(len(t) - 1, int(q * len(t)))]
print(f"{sys.argv[2]} households, commune {sys.argv[3]}: dashboard p50 {p(0.5):.1f} ms, p99 {p(0.99):.1f} ms, max {t[-1]:.1f} ms")
PY
