"""Read an uploaded spreadsheet (.xlsx or .csv) into plain rows of text, safely.

What is checked, in order, before anything is parsed:
- the size (MAX_UPLOAD_BYTES): openpyxl holds a whole workbook in memory, about 50 times
  the size of the file;
- the content, never the file's name: a zip with a workbook inside is an xlsx, text
  without NUL bytes is a CSV, anything else is refused;
- for an xlsx, the zip's entry count and total unpacked size, from its directory, before
  openpyxl opens it (a "zip bomb" unpacks a small file into gigabytes). Python's zipfile
  never unpacks more than an entry's declared size, so the declared sizes are the limit.
openpyxl parses the workbook's XML with defusedxml (installed: see pyproject.toml), which
refuses entity expansion ("billion laughs") and external entities.

The result is small and JSON-serialisable (a Sheet), so it can wait in the session between
the preview and the confirmation of an import.

Why openpyxl and csv directly rather than django-import-export's formats: its XLSX format
opens the workbook with data_only=True, so a formula reads as its cached value (or None)
and cannot be refused; it reads only the active sheet; and tablib's CSV reader drops blank
lines, so the row numbers in error messages would no longer match the spreadsheet.
"""

import csv
import datetime
import io
import zipfile
from dataclasses import dataclass, field

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_ZIP_ENTRIES = 500
MAX_ROWS = 5000  # rows with something in them; a plan of 300 actions and 600 steps has 900
MAX_COLUMNS = 50
# All the text of the sheet, which waits in the session: a plan of 300 actions and 600 steps
# holds about 300,000 characters.
MAX_TEXT_CHARS = 2_000_000
PLAN_SHEET = "Plan"
NARRATIVE_SHEET = "Narrative"  # optional: the plan's introduction, notes and core activities

OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls and other old Office files


class UploadError(Exception):
    """The file cannot be read at all; message says why in plain words."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Sheet:
    """The header and the non-blank rows of a sheet, as text.

    rows holds [spreadsheet row number, cells, indexes of cells that were formulas].
    """

    header: list[str]
    rows: list[list] = field(default_factory=list)
    # A workbook's Narrative sheet, if it has one (reporting.plan_sheet): None leaves the
    # plan's narrative as it is.
    narrative: "Sheet | None" = None
    # What a Word plan says of itself (reporting.word_plans): its labels and rating key.
    about: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        narrative = self.narrative.as_json() if self.narrative else None
        return {
            "header": self.header,
            "rows": self.rows,
            "narrative": narrative,
            "about": self.about,
        }

    @classmethod
    def from_json(cls, data: dict) -> "Sheet":
        narrative = data.get("narrative")
        return cls(
            header=list(data["header"]),
            rows=[list(row) for row in data["rows"]],
            narrative=cls.from_json(narrative) if narrative else None,
            about=dict(data.get("about") or {}),
        )


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB"


def read_upload(content: bytes) -> Sheet:
    """The plan sheet of an xlsx or CSV file; raises UploadError if it cannot be read."""
    if not content:
        raise UploadError("The file is empty.")
    if len(content) > MAX_UPLOAD_BYTES:
        raise UploadError(
            f"The file is larger than {megabytes(MAX_UPLOAD_BYTES)}: a plan's spreadsheet is "
            "much smaller. Check you chose the right file."
        )
    if content.startswith(b"PK\x03\x04"):
        return read_xlsx(content)
    if content.startswith(OLE2_SIGNATURE):
        raise UploadError(
            "The file is an older Excel file (.xls): open it in Excel and save it as an "
            "Excel Workbook (.xlsx), then upload that."
        )
    return read_csv(content)


NOT_A_SPREADSHEET = "The file is not an Excel workbook (.xlsx) or a CSV file."
NOT_A_PLAN_FILE = (
    "The file is not an Excel workbook (.xlsx), a CSV file or a Word document (.docx)."
)


def check_zip(
    content: bytes,
    *,
    required=("[Content_Types].xml", "xl/workbook.xml"),
    noun: str = "workbook",
) -> None:
    """Refuse a zip that is not a workbook (or the noun given, by its required parts), or
    that would unpack too large, before opening it."""
    not_it = NOT_A_SPREADSHEET if noun == "workbook" else NOT_A_PLAN_FILE
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise UploadError(not_it) from error
    if len(entries) > MAX_ZIP_ENTRIES:
        raise UploadError(
            f"The {noun} has {len(entries)} parts, more than a plan has: it cannot be read safely."
        )
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > MAX_UNPACKED_BYTES:
        raise UploadError(
            f"The {noun} unpacks to more than {megabytes(MAX_UNPACKED_BYTES)}, far more than "
            "a plan needs: it cannot be read safely."
        )
    names = {entry.filename for entry in entries}
    if not set(required) <= names:
        raise UploadError(not_it)


def read_xlsx(content: bytes) -> Sheet:
    check_zip(content)
    import openpyxl  # imported here: only an import needs it

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds on a damaged file
        raise UploadError(
            "The workbook cannot be read: it may be damaged. Open it in Excel, save it "
            "again as .xlsx and upload that."
        ) from error
    try:
        names = {name.strip().casefold(): name for name in workbook.sheetnames}
        name = names.get(PLAN_SHEET.casefold(), workbook.sheetnames[0])
        sheet = collect(worksheet_rows(workbook[name]))
        narrative = names.get(NARRATIVE_SHEET.casefold())
        if narrative is not None and narrative != name:
            # Bounded as the Plan sheet is (rows and text), by collect.
            sheet.narrative = collect(worksheet_rows(workbook[narrative]), empty_ok=True)
        return sheet
    except UploadError:
        raise
    except Exception as error:  # noqa: BLE001
        raise UploadError(
            "The workbook cannot be read: it may be damaged. Open it in Excel, save it "
            "again as .xlsx and upload that."
        ) from error
    finally:
        workbook.close()


def worksheet_rows(worksheet):
    """(cells as text, indexes of the cells that are formulas) for each row of a worksheet."""
    return (
        (
            [cell_text(cell.value) for cell in row],
            [i for i, cell in enumerate(row) if getattr(cell, "data_type", None) == "f"],
        )
        for row in worksheet.iter_rows()
    )


def read_csv(content: bytes) -> Sheet:
    if b"\x00" in content:
        raise UploadError(NOT_A_SPREADSHEET)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel's "CSV (Comma delimited)" writes Windows-1252 on UK machines.
        try:
            text = content.decode("cp1252")
        except UnicodeDecodeError as error:
            raise UploadError(NOT_A_SPREADSHEET) from error
    if any(ord(c) < 32 and c not in "\t\r\n" for c in text):
        raise UploadError(NOT_A_SPREADSHEET)
    first_line = text.split("\n", 1)[0]
    # Excel in some locales separates with semicolons; a tab-separated file is also read.
    delimiter = max([",", ";", "\t"], key=first_line.count)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise UploadError(f"The CSV file cannot be read ({error}).") from error
    return collect(
        (row, [i for i, cell in enumerate(row) if cell.lstrip().startswith("=")]) for row in rows
    )


def collect(rows, *, empty_ok: bool = False) -> Sheet | None:
    """A Sheet from (cells, formula indexes) per spreadsheet row, the first being the header.
    empty_ok: a sheet with nothing in it is None rather than an error."""
    sheet = None
    total_chars = 0
    for number, (cells, formulas) in enumerate(rows, start=1):
        if len(cells) > MAX_COLUMNS:
            extra = cells[MAX_COLUMNS:]
            if any(c.strip() for c in extra):
                raise UploadError(
                    f"Row {number} has more than {MAX_COLUMNS} columns: a plan has 14."
                )
            cells = cells[:MAX_COLUMNS]
        if sheet is None:
            if empty_ok and not any(c.strip() for c in cells):
                continue  # an optional sheet may start lower down, or be empty
            if not any(c.strip() for c in cells):
                raise UploadError(
                    "The first row is blank: it must hold the column names (Priority number, "
                    "Priority, Outcome number...)."
                )
            sheet = Sheet(header=[c.strip() for c in cells])
            continue
        if not any(c.strip() for c in cells):
            continue
        total_chars += sum(len(c) for c in cells)
        if len(sheet.rows) >= MAX_ROWS or total_chars > MAX_TEXT_CHARS:
            raise UploadError(
                f"The file has more than {MAX_ROWS} rows or more text than a plan import can "
                "take: split the plan into smaller files."
            )
        sheet.rows.append([number, cells, formulas])
    if empty_ok:
        return sheet
    if sheet is None:
        raise UploadError("The file is empty.")
    if not sheet.rows:
        raise UploadError("The file has column names but no rows under them.")
    return sheet


def cell_text(value) -> str:
    """A cell's value as the text a user sees (numbers without a trailing .0, dates in words)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        value = value.date()
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        # Excel turns a typed "September 2024" into 1 September 2024.
        return f"{value:%B %Y}" if value.day == 1 else f"{value.day} {value:%B %Y}"
    return str(value)
