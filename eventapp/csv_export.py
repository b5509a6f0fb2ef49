"""Writing CSV files that organisers open in a spreadsheet, safely.

Every CSV export goes through `safe_writer` (or `csv_bytes`), so no cell of
ours can start with a character a spreadsheet reads as a formula (CSV
injection: a name "=HYPERLINK(…)" typed by an invitee, run when an organiser
opens the file). Such a cell gets a leading apostrophe, which Excel and
LibreOffice show as text and do not display. tests/test_csv_safety.py walks
every CSV route and fails when one forgets this.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

# OWASP's list: =, +, - and @ start formulas; a tab or carriage return in front
# of them is skipped by some spreadsheets, so those cells are neutralised too.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"  # so Excel reads UTF-8 (the accents of Indonesian names)


def spreadsheet_safe(value: Any) -> str:
    """The cell as text, with an apostrophe in front when it could run as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_START) else text


class SafeWriter:
    """`csv.writer` whose every cell, headers included, passes `spreadsheet_safe`."""

    def __init__(self, out: io.StringIO, **options: Any) -> None:
        self._writer = csv.writer(out, **options)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([spreadsheet_safe(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def safe_writer(out: io.StringIO, **options: Any) -> SafeWriter:
    return SafeWriter(out, **options)


def encode(out: io.StringIO) -> bytes:
    """The written text as the bytes of a download: UTF-8 with a BOM."""
    return (BOM + out.getvalue()).encode("utf-8")


def csv_bytes(rows: Iterable[Iterable[Any]]) -> bytes:
    """A whole CSV file from its rows (the first one being the header)."""
    out = io.StringIO()
    safe_writer(out).writerows(rows)
    return encode(out)
