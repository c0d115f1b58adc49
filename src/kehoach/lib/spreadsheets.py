"""Text into a spreadsheet cell, safely: the one way user text goes into an .xlsx we write.

openpyxl turns any str that starts with "=" into a formula (``<f>`` in the sheet's XML), and
spreadsheet programs give "+", "-", "@", a tab or a carriage return at the start of a cell a
meaning of their own when the text is typed or pasted again (OWASP, "CSV injection"). So
``put_text`` always stores the value as a string cell (never a formula, whatever it starts
with), marks a cell starting with one of those characters "quotePrefix" (Excel's leading
apostrophe: the cell stays text even when someone edits it and presses Enter), and drops the
control characters XML cannot hold (which would make openpyxl refuse the whole file).
"""

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")  # and full-width


def put_text(cell: Cell, value: object) -> None:
    """Write ``value`` (None is empty) into ``cell`` as text that can never run as a formula."""
    text = "" if value is None else ILLEGAL_CHARACTERS_RE.sub("", str(value))
    cell.value = text
    cell.data_type = "s"
    if text.startswith(FORMULA_PREFIXES):
        cell.quotePrefix = True
