#!/usr/bin/env python3
"""Writes crates/text/data/syllables.txt: the Vietnamese syllables of bamho's own texts (page
templates, data files, name pools), one per line, most frequent first. The legacy-encoding reader
counts a reading that makes known syllables as more likely.

Run: python3 scripts/derive_syllables.py
"""
import collections
import re
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ["crates/*/templates/*.html", "crates/*/data/**/*.*", "crates/*/src/**/*.rs"]
OUT = ROOT / "crates/text/data/syllables.txt"
WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def main() -> None:
    counts: collections.Counter[str] = collections.Counter()
    for pattern in SOURCES:
        for path in ROOT.glob(pattern):
            # The text crate's own samples would only confirm themselves.
            if path == OUT or not path.is_file() or "crates/text/" in path.as_posix():
                continue
            try:
                text = path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                continue
            for word in WORD.findall(unicodedata.normalize("NFC", text)):
                word = word.lower()
                if not word.isascii() and len(word) <= 7:
                    counts[word] += 1
    words = [w for w, n in counts.most_common() if n >= 2]
    header = "# Syllables of bamho's own Vietnamese texts, most frequent first (scripts/derive_syllables.py)."
    OUT.write_text(header + "\n" + "\n".join(words) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({len(words)} syllables)")


if __name__ == "__main__":
    main()
