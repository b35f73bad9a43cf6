"""Values written to CSV for spreadsheets. Pure logic, no Flask."""

import unicodedata

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def _as_a_spreadsheet_reads_it(text: str) -> str:
    """The text a spreadsheet may see first: full-width and other compatibility forms folded
    (＝ is =), invisible format characters (zero-width spaces, joiners, direction marks)
    dropped, and leading spaces stripped; tabs and line breaks are kept, they start formulas
    too."""
    folded = unicodedata.normalize("NFKC", text)
    visible = "".join(ch for ch in folded if unicodedata.category(ch) != "Cf")
    return visible.lstrip(" \u00a0\u3000")


def safe_cell(value: object) -> object:
    """Return `value` made safe for a spreadsheet: text that a spreadsheet could run as a
    formula (starting with = + - @, a tab or a line break, once folded as above) gets a
    leading apostrophe; the text itself is kept as typed."""
    if isinstance(value, str) and _as_a_spreadsheet_reads_it(value).startswith(FORMULA_STARTS):
        return "'" + value
    return value
