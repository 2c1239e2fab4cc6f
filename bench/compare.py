"""One job, four engines, one run: bamho (whole process), Polars, DuckDB and pandas (in-process time
after import). Each reads households.csv, classifies the year's households under the 2022–2025
standard (Decree 07/2021: income, else the B1 score, against the area's line; poor with 3 or more
deprivations), counts households, poor and near-poor by commune × ethnic group, and writes the table.
Only the job is timed; each engine's table is then read back, untimed, and the counts of all four
must agree."""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import duckdb
import pandas as pd
import polars as pl

D = [f"d{i:02d}" for i in range(1, 13)]
TEXT = ["household_code", "province_code", "commune_code", "village_code", "area", "head_ethnicity", "class"]


# Each engine's job is run at least this many times, and until it has run for at least this long:
# the same time for every engine, as hyperfine and timeit give it, so that a short job's runs are
# spread over as long a stretch of the machine's ups and downs as a long job's (three runs of a
# 60 ms job would all fall within one busy moment; three of a 1.5 s one, never).
RUNS = 3
SECONDS = 1.0


def best(job, counts):
    """The best timing of `job` (read, classify, count, write the table) over at least `RUNS` runs
    and `SECONDS`; then, outside the timing, `counts(what job returned)` reads the engine's answer
    back for the agreement check. Also how many runs were made."""
    times, result = [], None
    while len(times) < RUNS or sum(times) < SECONDS:
        start = time.perf_counter()
        result = job()
        times.append(time.perf_counter() - start)
    return min(times), counts(result), len(times)


def run_bamho(bamho, path, year, out):
    def job():
        subprocess.run([bamho, "report", "--input", path, "--year", str(year), "--by", "commune,ethnicity",
                        "--format", "json", "--out", out], check=True)

    def counts(_):
        with open(out, encoding="utf-8") as f:
            rows = json.load(f)["rows"]
        return {(r["key"]["commune"], int(r["key"]["ethnicity"])): (r["households"], r["poor"], r["near_poor"]) for r in rows}
    return best(job, counts)


def run_polars(path, year, out):
    def job():
        lf = pl.scan_csv(path, schema_overrides={c: pl.Utf8 for c in TEXT} | {"income_per_capita": pl.Int64, "b1_score": pl.Int64})
        urban = pl.col("area") == "urban"
        below = (pl.when(pl.col("income_per_capita").is_not_null())
                 .then(pl.col("income_per_capita") <= pl.when(urban).then(2_000_000).otherwise(1_500_000))
                 .otherwise(pl.col("b1_score") <= pl.when(urban).then(175).otherwise(140)))
        table = (lf.filter(pl.col("year") == year)
                 .with_columns(below=below, n=pl.sum_horizontal(D))
                 .group_by(["commune_code", "head_ethnicity"])
                 .agg(households=pl.len(),
                      poor=(pl.col("below") & (pl.col("n") >= 3)).sum(),
                      near_poor=(pl.col("below") & (pl.col("n") < 3)).sum())
                 .sort(["commune_code", "head_ethnicity"])
                 .collect())
        table.write_csv(out)
        return table
    return best(job, lambda table: {(r[0], int(r[1])): (r[2], r[3], r[4]) for r in table.iter_rows()})


def run_duckdb(path, year, out):
    con = duckdb.connect()
    con.execute(f"SET threads TO {os.cpu_count()}")
    types = ", ".join(f"'{c}': 'VARCHAR'" for c in TEXT)
    n = " + ".join(D)
    sql = f"""
        SELECT commune_code, head_ethnicity, count(*) AS households,
               sum(CASE WHEN below AND n >= 3 THEN 1 ELSE 0 END) AS poor,
               sum(CASE WHEN below AND n < 3 THEN 1 ELSE 0 END) AS near_poor
        FROM (SELECT commune_code, head_ethnicity, {n} AS n,
                     CASE WHEN income_per_capita IS NOT NULL
                          THEN income_per_capita <= CASE WHEN area = 'urban' THEN 2000000 ELSE 1500000 END
                          ELSE b1_score <= CASE WHEN area = 'urban' THEN 175 ELSE 140 END END AS below
              FROM read_csv('{path}', header = true, types = {{{types}}})
              WHERE year = {year})
        GROUP BY commune_code, head_ethnicity ORDER BY commune_code, head_ethnicity"""

    def job():
        con.execute(f"COPY ({sql}) TO '{out}' (HEADER)")

    def counts(_):
        rows = con.execute(f"SELECT * FROM read_csv('{out}', header = true, types = {{'commune_code': 'VARCHAR'}})").fetchall()
        return {(r[0], int(r[1])): (r[2], r[3], r[4]) for r in rows}
    return best(job, counts)


def run_pandas(path, year, out):
    def job():
        df = pd.read_csv(path, dtype={c: str for c in TEXT}, keep_default_na=False, na_values={"income_per_capita": [""], "b1_score": [""]})
        df = df[df["year"] == year]
        urban = (df["area"] == "urban").to_numpy()
        income = df["income_per_capita"].to_numpy()
        b1 = df["b1_score"].to_numpy()
        import numpy as np
        with np.errstate(invalid="ignore"):
            below = np.where(~np.isnan(income), income <= np.where(urban, 2_000_000, 1_500_000), b1 <= np.where(urban, 175, 140))
        n = df[D].to_numpy().sum(axis=1)
        frame = pd.DataFrame({"commune_code": df["commune_code"].to_numpy(), "head_ethnicity": df["head_ethnicity"].to_numpy(),
                              "poor": below & (n >= 3), "near_poor": below & (n < 3)})
        table = frame.groupby(["commune_code", "head_ethnicity"]).agg(households=("poor", "size"), poor=("poor", "sum"), near_poor=("near_poor", "sum")).reset_index()
        table.to_csv(out, index=False)
        return table
    return best(job, lambda table: {(r.commune_code, int(r.head_ethnicity)): (int(r.households), int(r.poor), int(r.near_poor))
                                    for r in table.itertuples()})


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--bamho", required=True)
    p.add_argument("--input", required=True)
    p.add_argument("--year", type=int, required=True)
    a = p.parse_args()
    size = os.path.getsize(a.input)
    with open(a.input, "rb") as f:  # warm the page cache
        while f.read(1 << 24):
            pass
    tmp = tempfile.mkdtemp()
    engines = [
        ("bamho", lambda: run_bamho(a.bamho, a.input, a.year, os.path.join(tmp, "bamho.json"))),
        ("polars", lambda: run_polars(a.input, a.year, os.path.join(tmp, "polars.csv"))),
        ("duckdb", lambda: run_duckdb(a.input, a.year, os.path.join(tmp, "duckdb.csv"))),
        ("pandas", lambda: run_pandas(a.input, a.year, os.path.join(tmp, "pandas.csv"))),
    ]
    results = {}
    for name, fn in engines:
        results[name] = fn()
        print(f"  {name:7s} {results[name][0]:8.3f} s (best of {results[name][2]})", file=sys.stderr)
    reference = results["bamho"][1]
    for name, (_, counts, _) in results.items():
        if counts != reference:
            missing = set(reference.items()) ^ set(counts.items())
            sys.exit(f"{name} disagrees with bamho on {len(missing)} groups, e.g. {sorted(missing)[:3]}")
    lines = sum(v[0] for v in reference.values())
    t = results["bamho"][0]
    print(f"{a.input}: {lines:,} households of {a.year}, {size / 1e6:,.0f} MB; all four agree on {len(reference):,} groups")
    print(f"{'engine':8s} {'seconds':>9s} {'bamho is … × faster':>22s} {'runs':>6s}")
    for name, (secs, _, runs) in results.items():
        print(f"{name:8s} {secs:9.3f} {secs / t:22.2f} {runs:6d}")


if __name__ == "__main__":
    main()
