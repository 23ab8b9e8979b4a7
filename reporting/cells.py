"""Spreadsheet cells that stay text: user text is never run as a formula (CSV/formula injection).

Excel, LibreOffice and Google Sheets treat a cell starting with = + - @ (or a tab or carriage
return before one) as a formula, so an action typed as '=HYPERLINK("http://evil", "Click")'
would become a live link. Every export writes text through here.
"""

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MAX_CELL_TEXT = 32_767  # Excel's limit; a longer cell makes it "repair" the file


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet could take this text for a formula."""
    return isinstance(text, str) and text.startswith(FORMULA_STARTS)


def escape_formula(text: str) -> str:
    """Text for a format without cell types (CSV): a leading apostrophe where it looks like a
    formula, as OWASP recommends. Other text is returned unchanged."""
    return "'" + text if is_formula_like(text) else text


def clean_text(text: str) -> str:
    """Text an xlsx file can hold: without the control characters Word pastes (vertical tab,
    bell...) that openpyxl refuses, and within Excel's length limit."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text.replace("\x0b", "\n"))
    if len(text) > MAX_CELL_TEXT:
        text = text[: MAX_CELL_TEXT - 1] + "…"
    return text


def set_text(cell: Cell, text: str | None) -> Cell:
    """Store text in an openpyxl cell as a string, never a formula, keeping it verbatim.

    openpyxl takes any string starting with = for a formula; this stores it as a plain string
    instead, with Excel's quote prefix so that editing the cell in Excel keeps it text too.
    """
    text = "" if text is None else clean_text(str(text))
    cell.value = text or None
    if is_formula_like(text):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell
