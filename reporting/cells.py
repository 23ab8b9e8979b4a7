"""Spreadsheet cells that stay text: user text is never run as a formula (CSV/formula
injection). Every workbook this application writes (meeting packs, agency reports, the plan
export and its template) writes text through here, and plan import reads it back through here.

Excel, LibreOffice and Google Sheets treat a cell starting with = + - @ (or a tab or carriage
return before one) as a formula, so an action typed as '=HYPERLINK("http://evil", "Click")'
would become a live link. One behaviour for every file: such a cell is stored as a string
with Excel's quote prefix, not with a visible apostrophe. The text then reads exactly as it
was typed (commentary often starts "- " as a list), and editing the cell in Excel or
LibreOffice keeps it text. Only xlsx is written; plan import still takes off a visible
apostrophe before a formula character, as files exported by earlier versions carry one.
"""

import io

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_CELL_TEXT = 32_767  # Excel's limit; a longer cell makes it "repair" the file


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet could take this text for a formula."""
    return isinstance(text, str) and text.startswith(FORMULA_STARTS)


def sheet_text(value) -> str:
    """Text as a plan sheet holds it: without the control characters xlsx refuses (Word's
    vertical tab becomes a line break), one kind of line break, no surrounding space."""
    text = "" if value is None else str(value)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0b", "\n")
    return ILLEGAL_CHARACTERS_RE.sub("", text).strip()


def unescape(text: str) -> str:
    """Read text a user or an earlier version protected with a visible apostrophe."""
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@\t\r":
        return text[1:]
    return text


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


def new_workbook(title: str, first_sheet: str) -> tuple[Workbook, Worksheet]:
    """A workbook as the app writes every one: its title in the file's properties (within
    Excel's limit), the app as its author, and its first sheet, named."""
    workbook = Workbook()
    workbook.properties.title = sheet_text(title)[:250]
    workbook.properties.creator = "Partnership plans"
    sheet = workbook.active
    sheet.title = first_sheet
    return workbook, sheet


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
