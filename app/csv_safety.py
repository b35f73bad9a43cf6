"""Values written to CSV for spreadsheets. Pure logic, no Flask."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """Return `value` made safe for a spreadsheet: text that a spreadsheet would run as a
    formula (starting = + - @ or a control character) gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
