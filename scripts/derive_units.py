#!/usr/bin/env python3
"""Derive bamho's administrative-unit reference files from the public `vietnamadminunits` package.

Usage:
    python3 scripts/derive_units.py            # downloads the pinned wheel with pip, then derives
    python3 scripts/derive_units.py WHEEL_DIR  # uses an already unpacked wheel

Writes crates/domain/data/units/units.csv and successions.csv. Codes and names are public facts
(Decision 124/2004/QĐ-TTg lists before 1 July 2025, Decision 19/2025/QĐ-TTg after); the package
(MIT licence) is only the carrier. Each file records the package and version it came from.
"""

import csv
import io
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import zipfile

PACKAGE = "vietnamadminunits"
VERSION = "1.0.4"
REFORM_DAY = "2025-07-01"
LAST_OLD_DAY = "2025-06-30"
OUT = os.path.join(os.path.dirname(__file__), "..", "crates", "domain", "data", "units")

# Successions of the demo area checked by hand against Resolution 1677/NQ-UBTVQH15 (DOMAIN.md §5).
QUANG_NGAI_COMMUNES_BASIS = "Nghị quyết 1677/NQ-UBTVQH15 (2025)"
PROVINCES_BASIS = "Nghị quyết 202/2025/QH15"
OTHER_COMMUNES_BASIS = "NQ-UBTVQH15 2025 (số chưa ghi)"


def unpacked_wheel():
    if len(sys.argv) > 1:
        return sys.argv[1]
    tmp = tempfile.mkdtemp()
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", tmp, f"{PACKAGE}=={VERSION}"],
        check=True,
    )
    wheel = next(f for f in os.listdir(tmp) if f.endswith(".whl"))
    with zipfile.ZipFile(os.path.join(tmp, wheel)) as z:
        z.extractall(tmp)
    return tmp


def level_kind(raw):
    return {"Tỉnh": "province", "Thành phố": "city"}.get(raw, raw)


def province_kind(name):
    return "Thành phố" if name.startswith("Thành phố") else "Tỉnh"


def strip_kind(name, kind):
    return name[len(kind) + 1:] if kind and name.startswith(kind + " ") else name


def main():
    root = unpacked_wheel()
    data = os.path.join(root, PACKAGE, "data")
    db = sqlite3.connect(os.path.join(data, "dataset.db"))
    conv = json.load(open(os.path.join(data, "converter_2025.json"), encoding="utf-8"))

    units = []  # level, code, name, kind, parent_code, valid_from, valid_to
    old_key = {}  # "province_district_ward" key -> old commune code
    old_prov_key = {}
    seen_prov, seen_dist = set(), set()
    skipped = 0
    for row in db.execute(
        "select provinceCode, province, provinceKey, districtCode, district, districtType, districtKey,"
        " wardCode, ward, wardType, wardKey from admin_units_legacy order by wardCode"
    ):
        pc, pn, pk, dc, dn, dt, dk, wc, wn, wt, wk = row
        if pc not in seen_prov:
            seen_prov.add(pc)
            old_prov_key[pk] = pc
            k = province_kind(pn)
            units.append(("province", pc, strip_kind(pn, k), k, "", "", LAST_OLD_DAY))
        if dc not in seen_dist:
            seen_dist.add(dc)
            units.append(("district", dc, strip_kind(dn, dt), dt, pc, "", LAST_OLD_DAY))
        if wc is None:
            skipped += 1  # an island district without communes
            continue
        old_key[f"{pk}_{dk}_{wk}"] = wc
        units.append(("commune", wc, strip_kind(wn, wt), wt, dc, "", LAST_OLD_DAY))

    new_key = {}
    new_prov_key = {}
    seen_prov = set()
    for row in db.execute(
        "select provinceCode, province, provinceKey, wardCode, ward, wardType, wardKey"
        " from admin_units order by wardCode"
    ):
        pc, pn, pk, wc, wn, wt, wk = row
        if pc not in seen_prov:
            seen_prov.add(pc)
            new_prov_key[pk] = pc
            k = province_kind(pn)
            units.append(("province", pc, strip_kind(pn, k), k, "", REFORM_DAY, ""))
        new_key[(pk, wk)] = wc
        units.append(("commune", wc, strip_kind(wn, wt), wt, pc, REFORM_DAY, ""))

    succ = []  # level, from_code, to_code, effective, legal_basis, is_default
    for new_pk, olds in conv["DICT_PROVINCE"].items():
        for opk in olds:
            succ.append(("province", old_prov_key[opk], new_prov_key[new_pk], REFORM_DAY, PROVINCES_BASIS, 1))

    def basis(new_pk):
        return QUANG_NGAI_COMMUNES_BASIS if new_pk == "tinhquangngai" else OTHER_COMMUNES_BASIS

    missing = 0
    for new_pk, wards in conv["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_wk, olds in wards.items():
            for ok in olds:
                if ok not in old_key:
                    missing += 1
                    continue
                succ.append(("commune", old_key[ok], new_key[(new_pk, new_wk)], REFORM_DAY, basis(new_pk), 1))
    for new_pk, olds in conv["DICT_PROVINCE_WARD_DIVIDED"].items():
        for ok, parts in olds.items():
            if ok not in old_key:
                missing += 1
                continue
            for part in parts:
                succ.append((
                    "commune", old_key[ok], new_key[(new_pk, part["newWardKey"])], REFORM_DAY,
                    basis(new_pk), 1 if part["isDefaultNewWard"] else 0,
                ))

    succ.sort()
    header = f"# derived by scripts/derive_units.py from the PyPI package {PACKAGE} {VERSION} (MIT)\n"
    os.makedirs(OUT, exist_ok=True)
    write(os.path.join(OUT, "units.csv"), header,
          ["level", "code", "name", "kind", "parent_code", "valid_from", "valid_to"], units)
    write(os.path.join(OUT, "successions.csv"), header,
          ["level", "from_code", "to_code", "effective", "legal_basis", "is_default"], succ)
    print(f"{len(units)} units, {len(succ)} successions; {skipped} island districts without communes "
          f"skipped; {missing} old keys without a commune", file=sys.stderr)


def write(path, header, columns, rows):
    buf = io.StringIO()
    buf.write(header)
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(columns)
    w.writerows(rows)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(buf.getvalue())


if __name__ == "__main__":
    main()
