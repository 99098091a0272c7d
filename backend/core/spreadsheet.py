"""Cells of the workbooks we hand out. Text that begins with = + - @ (or a tab or carriage return)
is read as a formula by Excel, WPS and LibreOffice, so a resident named "=HYPERLINK(...)" would
become a live link on a staff member's screen (formula injection). Such text gets a leading
apostrophe and is stored as a plain string: it shows as typed and never runs.

Reading untrusted workbooks is safe because defusedxml is installed: openpyxl then parses every
part through it, which refuses entity declarations (XML bombs, external entities)."""

from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """The value to write into a cell: numbers and dates as they are, text defused."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values: Iterable) -> list:
    return [safe_cell(v) for v in values]
