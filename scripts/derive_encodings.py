#!/usr/bin/env python3
"""Writes crates/text/data/legacy_bytes.tsv: for each legacy single-byte Vietnamese encoding bamho
reads (TCVN3/ABC as TCVN 5712:1993 VN1, VISCII, Windows-1258), what each byte 0x80-0xFF and each
control byte the encoding reuses decodes to, as GNU libc's iconv converts it.

Run: python3 scripts/derive_encodings.py  (needs the iconv program of GNU libc)
"""
import subprocess
import unicodedata
from pathlib import Path

ENCODINGS = [("tcvn3", "TCVN5712-1"), ("viscii", "VISCII"), ("cp1258", "WINDOWS-1258")]
OUT = Path(__file__).resolve().parent.parent / "crates/text/data/legacy_bytes.tsv"


def decode(encoding: str, byte: int) -> str | None:
    done = subprocess.run(
        ["iconv", "-f", encoding, "-t", "UTF-8"], input=bytes([byte]), capture_output=True
    )
    if done.returncode != 0 or not done.stdout:
        return None
    return done.stdout.decode("utf-8")


def main() -> None:
    version = subprocess.run(["iconv", "--version"], capture_output=True, text=True).stdout
    lines = [
        "# byte → text of legacy Vietnamese encodings, derived by scripts/derive_encodings.py from",
        f"# {version.splitlines()[0]}. Columns: encoding, byte (hex), code points (hex, space-separated).",
        "# Only bytes that differ from ISO-8859-1 are listed.",
    ]
    for name, iconv_name in ENCODINGS:
        for byte in list(range(0x01, 0x20)) + list(range(0x80, 0x100)):
            text = decode(iconv_name, byte)
            if text is None or text == chr(byte):
                continue
            text = unicodedata.normalize("NFC", text)
            points = " ".join(f"{ord(c):04X}" for c in text)
            lines.append(f"{name}\t{byte:02X}\t{points}")
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({len(lines) - 3} entries)")


if __name__ == "__main__":
    main()
