"""A work plan kept in Word (.docx): its plan table read into the rows of the flat layout
(reporting.plan_sheet), so that a Word plan goes through the same reader, preview, warnings
and all-or-nothing confirmation as a spreadsheet.

What a Word plan looks like, and how each part is read:
- The plan table is the first table whose top rows name its columns (two header rows, as
  "Planning" above "Specific action", are read together). Its columns are mapped from their
  headings (HEADINGS): Priority, Outcome/Impact, Action, Lead, Timeframe/By when, RAG/Status,
  Progress/Update, Measures/How will we know, Themes, Evidence, Steps ("Actions and
  timescales"). A header row repeated after a page break is skipped.
- A row whose one cell spans the table is a priority ("Priority objective 1: Effective
  Partnerships"; "Overarching priority: ..."); a row that gives only a number and words,
  whose number heads the next row's ("1.1" above "1.1.1"), is an outcome.
- An outcome cell merged down several rows (vertically) is one outcome for all its actions;
  so is an action cell merged down its steps' rows.
- Several paragraphs in a cell are kept as lines. In the action cell, paragraphs lettered
  "A.", "b)" (or "B" following "A.") and list items are the action's steps.
- A table of ratings and their meanings (Red, Amber, Green...) is the plan's rating key:
  read, shown in the preview, never imported as actions.

Safety, before python-docx parses anything: the size (uploads.MAX_UPLOAD_BYTES), an old
.doc or a password-protected file (both are OLE2 compound files) refused in words, the zip's
entries and unpacked size (uploads.check_zip), and every XML part parsed first by defusedxml,
which refuses a DTD and so any entity, internal ("billion laughs") or external.
"""

import io
import itertools
import re
import zipfile
from dataclasses import dataclass, field

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from reporting.plan_sheet import COLUMNS, CORE_ACTIVITY, NARRATIVE_COLUMNS, OPTIONAL_COLUMNS
from reporting.uploads import OLE2_SIGNATURE, Sheet, UploadError, check_zip

WORD_DOCUMENT = "word/document.xml"

# Heading words -> column key, the first match winning: so "Actions and timescales" is the
# steps, "Impact and evidence" the evidence and "Action number" the number, before "Action".
HEADINGS = [
    ("action_number", ["action number", "action no", "ref no", "reference"]),
    ("step", ["actions and timescales", "milestone", "steps", "tasks"]),
    ("evidence", ["evidence"]),
    ("outcome_measures", ["how will we know", "measure", "outcomes"]),
    ("priority", ["priority"]),
    ("outcome", ["impact", "outcome", "improvement area", "success look like", "intend to"]),
    ("themes", ["theme"]),
    ("action", ["action", "what we will do", "activity", "activities"]),
    ("lead", ["lead", "who", "responsib", "owner"]),
    ("timeframe", ["timeframe", "timescale", "by when", "target date", "deadline", "due"]),
    ("rating", ["rag", "status", "rating"]),
    ("commentary", ["progress", "update", "commentary", "comment"]),
]
KEY_TITLES = {column.key: column.title for column in COLUMNS + OPTIONAL_COLUMNS}
# What a column may hold, for the user to choose when the headings do not say.
MAPPABLE = [
    ("", "Not imported"),
    ("priority", "Priority"),
    ("outcome", "Outcome"),
    ("action_number", "Action number"),
    ("action", "Action"),
    ("step", "Step (a row of its own, under its action)"),
    ("themes", "Themes"),
    ("lead", "Lead"),
    ("timeframe", "Timeframe"),
    ("rating", "Rating"),
    ("commentary", "Progress commentary"),
    ("evidence", "Evidence"),
    ("outcome_measures", "Outcome measures"),
]
NUMBER_HEADINGS = {"ref", "ref.", "no", "no.", "number", "#", "ref no", "ref no."}
RATING_WORDS = {"red", "amber", "green", "blue", "grey", "gray", "black", "white", "complete"}

NUMBERED = re.compile(r"^(?P<number>\d+(?:\.\d+)*)[.)]?(?:\s+(?P<text>.*))?$", re.S)
PRIORITY_ROW = re.compile(
    r"^(?P<label>[^\d:]*?)\s*(?P<number>\d+[a-z]?)?\s*[:.–-]\s*(?P<title>.+)$", re.S | re.I
)
STEP_LABEL = re.compile(r"^(?P<label>[A-Za-z][.)])\s+(?P<text>.+)$", re.S)
BARE_LABEL = re.compile(r"^(?P<letter>[A-Za-z])\s+(?P<text>[A-Z].*)$", re.S)
BULLET = re.compile(r"^[•·▪◦–-]\s+")
OVERARCHING = "overarching"
CORE_ACTIVITIES = "core activit"  # a heading row "Core activities" (or "Core activity")


@dataclass
class WordPlan:
    """What a Word plan gave: the flat rows (a Sheet) and what it says of itself."""

    sheet: Sheet
    labels: dict = field(default_factory=dict)  # priority_label, outcome_label, action_label
    rating_key: list = field(default_factory=list)  # (rating word, its meaning)


def is_word_document(content: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return WORD_DOCUMENT in archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return False


def refuse_old_or_locked(content: bytes) -> None:
    if content.startswith(OLE2_SIGNATURE):
        raise UploadError(
            "The file is an older Word document (.doc) or is protected by a password: open "
            "it in Word, remove any password, save it as a Word Document (.docx) and upload "
            "that."
        )


def check_xml_parts(content: bytes) -> None:
    """Parse every XML part with defusedxml first: a DTD (and so any entity) is refused."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for entry in archive.infolist():
            if not entry.filename.endswith((".xml", ".rels")):
                continue
            try:
                fromstring(archive.read(entry), forbid_dtd=True)
            except DefusedXmlException as error:
                raise UploadError(
                    "The document declares XML entities, which a Word document never needs: "
                    "it cannot be read safely."
                ) from error
            except Exception as error:  # noqa: BLE001 - any XML error: a damaged document
                raise UploadError(DAMAGED) from error


DAMAGED = (
    "The document cannot be read: it may be damaged. Open it in Word, save it again as a "
    "Word Document (.docx) and upload that."
)


def theme_codes(partnership) -> dict[str, str]:
    """A partnership's themes by every way a plan writes them: code, name, short name."""
    codes = {}
    for theme in partnership.themes.live():
        for words in (theme.code, theme.name, theme.short_name):
            if words:
                codes[" ".join(words.split()).casefold()] = theme.code
    return codes


def read_word_plan(content: bytes, themes: dict[str, str] | None = None) -> WordPlan:
    """The plan table of a .docx as flat rows; raises UploadError if it cannot be read.
    themes (theme_codes) turns the themes a plan names in words into their codes."""
    refuse_old_or_locked(content)
    check_zip(content, required=("[Content_Types].xml", WORD_DOCUMENT), noun="Word document")
    check_xml_parts(content)
    import docx  # imported here: only a Word import needs it

    try:
        document = docx.Document(io.BytesIO(content))
        idents = itertools.count()  # one numbering for the whole document's cells
        tables = [grid_of(table, idents) for table in document.tables]
        introduction = introduction_of(document)
    except Exception as error:  # noqa: BLE001 - python-docx raises many kinds on a bad file
        raise UploadError(DAMAGED) from error
    rating_key, plan_tables = [], []
    for grid in tables:
        key = rating_key_of(grid)
        if key:
            rating_key += key
        elif grid:
            plan_tables.append(grid)
    found = [grid for grid in plan_tables if header_of(grid)[0] is not None]
    if not found:
        # No headings we know: the largest table, its first row taken as its headings, for
        # the user to say what each column holds.
        candidates = [g for g in plan_tables if len(g) >= 2 and len(unique_cells(g[0])) >= 2]
        if candidates:
            grid = max(candidates, key=len)
            headings = [cell.text for cell in grid[0]]
            detected = {i: key for i, text in enumerate(headings) if (key := heading_key(text))}
            raise UnrecognisedColumns(0, headings, detected, [grid], rating_key, introduction)
        raise UploadError(
            "No plan table was found in the document: its table needs a first row naming "
            "its columns (for example Outcome, Action, Lead, Timeframe)."
        )
    # The plan is in the tables whose columns hold actions (a plan split over several tables
    # repeats its headings); another table (a glossary, a list of risks) is not read.
    with_actions = [g for g in found if {"action", "step"} & set(header_of(g)[1].values())]
    if not with_actions:
        header_end, columns, headings = header_of(found[0])
        same = [g for g in found if header_of(g)[2] == headings]
        raise UnrecognisedColumns(header_end, headings, columns, same, rating_key, introduction)
    return read_tables(with_actions, None, themes, rating_key, introduction)


def read_tables(grids, mapping, themes, rating_key, introduction="") -> WordPlan:
    """The plan's rows from its tables (with the columns mapped by the user, if given)."""
    reader = TableReader(mapping=mapping, themes=themes)
    for grid in grids:
        reader.read_table(grid)
    labels = reader.labels()  # takes an outcome label off the outcome rows' words: first
    sheet = reader.sheet()
    sheet.about = {"labels": labels, "rating_key": rating_key}
    sheet.narrative = reader.narrative(introduction)
    return WordPlan(sheet, labels, rating_key)


def introduction_of(document) -> str:
    """The words before the plan's first table, headings and the title left out: the plan's
    introduction."""
    from docx.text.paragraph import Paragraph

    lines = []
    for child in document.element.body.iterchildren():
        if child.tag.endswith("}tbl"):
            break
        if not child.tag.endswith("}p"):
            continue
        paragraph = Paragraph(child, document)
        style = paragraph.style.name if paragraph.style else ""
        lines_of = (" ".join(line.split()) for line in paragraph.text.split("\n"))
        text = "\n".join(filter(None, lines_of))
        runs = [run for run in paragraph.runs if run.text.strip()]
        bold = runs and all(run.bold for run in runs)  # a title typed in bold
        if text and not bold and not style.startswith(("Heading", "Title", "Subtitle")):
            lines.append(text)
    return "\n".join(lines)


class UnrecognisedColumns(UploadError):
    """The plan table's headings do not say which column holds the actions: the user maps
    each column (the import's mapping page), then the tables are read with that mapping."""

    def __init__(self, header_end, headings, detected, grids, rating_key, introduction=""):
        super().__init__(
            "The plan table's columns were not all recognised: say what each one holds."
        )
        self.unmapped = UnmappedTables(
            header_end, headings, detected, grids, rating_key, introduction
        )


@dataclass
class UnmappedTables:
    """Tables waiting for their columns to be named, kept (as JSON) between the upload and
    the mapping page: their cells' text, never the file."""

    header_end: int
    headings: list[str]
    detected: dict[int, str]  # column index -> key, as far as the headings told
    grids: list
    rating_key: list
    introduction: str = ""

    def examples(self) -> list[str]:
        """Each column's first words under the header, to help say what it holds."""
        found = []
        for index in range(len(self.headings)):
            texts = (
                row[index].text
                for grid in self.grids
                for row in grid[self.header_end + 1 :]
                if index < len(row)
            )
            found.append(next((text for text in texts if text), ""))
        return found

    def read(self, mapping: dict[int, str], themes=None) -> WordPlan:
        mapping = (self.header_end, mapping)
        return read_tables(self.grids, mapping, themes, self.rating_key, self.introduction)

    def as_json(self) -> dict:
        grids = [
            [[[[list(p) for p in cell.paragraphs], cell.ident] for cell in row] for row in grid]
            for grid in self.grids
        ]
        return {
            "header_end": self.header_end,
            "headings": self.headings,
            "detected": {str(k): v for k, v in self.detected.items()},
            "grids": grids,
            "rating_key": [list(pair) for pair in self.rating_key],
            "introduction": self.introduction,
        }

    @classmethod
    def from_json(cls, data: dict) -> "UnmappedTables":
        grids = [
            [
                [Cell(tuple(tuple(p) for p in paragraphs), ident) for paragraphs, ident in row]
                for row in grid
            ]
            for grid in data["grids"]
        ]
        return cls(
            data["header_end"],
            list(data["headings"]),
            {int(k): v for k, v in data["detected"].items()},
            grids,
            [tuple(pair) for pair in data["rating_key"]],
            data.get("introduction", ""),
        )


# The table as a grid of cells ------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One grid position's cell: its paragraphs (with whether each is a list item) and the
    identity of the Word cell it belongs to (merged positions share one)."""

    paragraphs: tuple
    ident: int

    @property
    def text(self) -> str:
        return "\n".join(text for text, _ in self.paragraphs).strip()


def grid_of(table, idents) -> list[list[Cell]]:
    """The table's rows as lists of Cells, one per grid column (merges resolved); idents
    numbers the Word cells, across the document."""
    grid, seen, alive = [], {}, []
    for row in table.rows:
        cells = []
        for cell in row.cells:
            alive.append(cell._tc)  # kept, so that no other element reuses its id meanwhile
            key = id(cell._tc)
            if key not in seen:
                seen[key] = (next(idents), paragraphs_of(cell))
            number, paragraphs = seen[key]
            cells.append(Cell(paragraphs, number))
        grid.append(cells)
    return grid


def paragraphs_of(cell) -> tuple:
    """A cell's non-empty paragraphs: (text, is a list item)."""
    found = []
    for paragraph in cell.paragraphs:
        text = " ".join(paragraph.text.split())
        if not text:
            continue
        numbered = paragraph._p.pPr is not None and paragraph._p.pPr.numPr is not None
        listed = numbered or "List" in (paragraph.style.name if paragraph.style else "")
        found.append((text, listed))
    return tuple(found)


def rating_key_of(grid) -> list[tuple[str, str]]:
    """A rating key (Red, Amber, Green... and their meanings), if the table is one."""
    key = []
    for row in grid:
        distinct = unique_cells(row)
        words = distinct[0].text.casefold() if distinct else ""
        if len(distinct) >= 2 and words in RATING_WORDS:
            key.append((distinct[0].text, distinct[1].text))
    return key if len(key) >= 2 else []


def unique_cells(row: list[Cell]) -> list[Cell]:
    found, seen = [], set()
    for cell in row:
        if cell.ident not in seen:
            seen.add(cell.ident)
            found.append(cell)
    return found


def heading_key(text: str) -> str | None:
    words = " ".join(text.casefold().split())
    if not words:
        return None
    if words == "outcomes":  # a column of outcomes beside the actions: their measures
        return "outcome_measures"
    if words in NUMBER_HEADINGS:
        return "action_number"
    for key, keywords in HEADINGS:
        if any(keyword in words for keyword in keywords):
            return key
    return None


# Reading rows ----------------------------------------------------------------------------


class TableReader:
    """Reads plan tables row by row into the flat layout's rows (a dict per row)."""

    def __init__(self, mapping: tuple[int, dict[int, str]] | None = None, themes=None):
        self.themes = themes or {}
        self.rows: list[tuple[int, dict]] = []
        self.number = 0  # rows of the plan tables, counted as Word shows them
        self.mapping = mapping
        self.headings: dict[str, str] = {}  # key -> the heading as the plan wrote it
        self.priority_words: list[str] = []
        self.outcome_texts: list[dict] = []
        self.action = None  # the flat row of the current action
        self.action_ident = None
        self.action_leads: list[str] = []
        self.outcome_ident = None
        self.outcome_text = ""
        self.previous_label = None  # the last step's letter, for a label written "B"
        self.in_core = False  # under a "Core activities" heading row
        self.core_rows: list[tuple[int, dict]] = []

    def read_table(self, grid) -> None:
        if self.mapping is not None:
            header_end, columns = self.mapping
        else:
            header_end, columns, _ = header_of(grid)
        if header_end is None:
            return
        for index, key in columns.items():
            self.headings.setdefault(key, " ".join(grid[header_end][index].text.split()))
        headers = [tuple(c.text for c in grid[r]) for r in range(header_end + 1)]
        base = self.number  # rows are numbered across the plan's tables, headers included
        body = [
            (index, row)
            for index, row in enumerate(grid)
            if index > header_end and tuple(c.text for c in row) not in headers
        ]  # the header again, after a page break, is not a row of the plan
        for position, (index, row) in enumerate(body):
            self.number = base + index + 1
            following = body[position + 1][1] if position + 1 < len(body) else None
            self.read_row(row, columns, following)
        self.number = base + len(grid)

    def read_row(self, row: list[Cell], columns: dict, following) -> None:
        distinct = unique_cells(row)
        if len(distinct) == 1 and len(row) > 1:
            if distinct[0].text:
                self.read_priority(distinct[0].text)
            return
        values = {key: row[index] for index, key in columns.items() if index < len(row)}
        texts = {key: cell.text for key, cell in values.items()}
        if not any(texts.values()):
            return
        if self.in_core:
            self.core_rows.append((self.number, texts))
            return
        if self.is_outcome_heading(texts, following, columns):
            self.outcome_row(texts)
            return
        self.data_row(values, texts)

    # Priorities and outcomes.

    def read_priority(self, text: str) -> None:
        self.in_core = text.casefold().startswith(CORE_ACTIVITIES)
        if self.in_core:  # standing business outside the priorities, until the next heading
            self.action = None
            return
        overarching = text.casefold().startswith(OVERARCHING)
        match = PRIORITY_ROW.match(text)
        number, title = "", text
        if match and (match["number"] or match["label"].strip()):
            number, title = match["number"] or "", match["title"].strip()
            label = match["label"].strip()
            if label and not overarching:
                self.priority_words.append(label)
        cell = "Overarching" if overarching else number
        self.emit({"priority_number": f"{cell} {number}".strip() if overarching else cell,
                   "priority": title})  # fmt: skip
        self.action = None
        self.outcome_ident = None

    def is_outcome_heading(self, texts: dict, following, columns) -> bool:
        """A row of only a number and words whose number heads the next row's number."""
        number = texts.get("action_number", "")
        if not number or following is None or "action_number" not in columns.values():
            return False
        others = [k for k, v in texts.items() if v and k not in ("action_number", "action")]
        if others:
            return False
        index = next(i for i, k in columns.items() if k == "action_number")
        next_number = following[index].text if index < len(following) else ""
        return next_number.startswith(number + ".")

    def outcome_row(self, texts: dict) -> None:
        row = {"outcome_number": texts["action_number"], "outcome": texts.get("action", "")}
        self.outcome_texts.append(row)
        self.emit(row)
        self.action = None

    # Actions and their steps.

    def data_row(self, values: dict, texts: dict) -> None:
        row = {}
        outcome = values.get("outcome")
        if outcome is not None and outcome.ident != self.outcome_ident:
            self.outcome_ident = outcome.ident
            # A blank outcome cell, or the same words again after a page break, continues
            # the outcome above.
            if outcome.text and outcome.text != self.outcome_text:
                self.outcome_text = outcome.text
                number, text = split_number(outcome.text)
                row |= {"outcome_number": number, "outcome": text}
                self.action = None
        action_cell = values.get("action")
        number = texts.get("action_number", "")
        new_action = action_cell is not None and action_cell.ident != self.action_ident
        if number and (self.action or {}).get("action_number") != number:
            new_action = True  # a new number, even in an unmerged action cell
        if new_action and (action_cell is None or action_cell.text or number):
            self.action_ident = action_cell.ident if action_cell is not None else None
            paragraphs = action_cell.paragraphs if action_cell is not None else ()
            action_text, steps = split_steps(paragraphs)
            if not number:
                number, action_text = split_number(action_text)
            self.start_action(row, number, action_text, texts)
            self.previous_label = None
            for label, text in steps:
                self.emit({"action_number": number, "step_label": label, "step": text})
        if texts.get("step"):
            label, text = step_label(texts["step"], self.previous_label)
            self.previous_label = label[:1] or None
            if self.action is None:
                self.emit({**row, "action": "", "step_label": label, "step": text})
                return
            step = {
                "action_number": self.action.get("action_number", ""),
                "step_label": label,
                "step": text,
                **{k: texts.get(k, "") for k in ("lead", "timeframe", "evidence")},
            }
            if step["lead"]:
                self.action_leads.append(step["lead"])
                if self.action.get("_leads_from_steps"):
                    self.action["lead"] = "\n".join(self.action_leads)
            self.emit(step)

    def start_action(self, row: dict, number: str, text: str, texts: dict) -> None:
        action = {**row, "action_number": number, "action": text}
        for key in ("themes", "outcome_measures", "rating", "commentary"):
            action[key] = texts.get(key, "")
        named = filter(None, texts.get("themes", "").split("\n"))
        action["themes"] = ", ".join(
            self.themes.get(" ".join(words.split()).casefold(), words) for words in named
        )
        if texts.get("step"):
            # Its steps' rows carry the leads (as Medway's plan): the action's lead is theirs.
            action["_leads_from_steps"] = True
            self.action_leads = []
        else:
            action["lead"] = texts.get("lead", "")
            action["timeframe"] = texts.get("timeframe", "")
        self.action = action
        self.emit(action)

    def emit(self, row: dict) -> None:
        self.rows.append((self.number, row))

    # Results.

    def sheet(self) -> Sheet:
        keys = [column.key for column in COLUMNS + OPTIONAL_COLUMNS]
        sheet = Sheet(header=[KEY_TITLES[key] for key in keys])
        for number, row in self.rows:
            cells = [row.get(key, "") for key in keys]
            sheet.rows.append([number, cells, []])
        return sheet

    def narrative(self, introduction: str) -> Sheet | None:
        """The Narrative sheet's rows (reporting.plan_sheet) from the document's introduction
        and its core activities, if it has either; else None (the narrative stays as is)."""
        if not introduction and not self.core_rows:
            return None
        sheet = Sheet(header=[column.title for column in NARRATIVE_COLUMNS])
        if introduction:
            sheet.rows.append([1, ["Introduction", introduction, "", "", "", ""], []])
        for number, texts in self.core_rows:
            cells = [CORE_ACTIVITY, texts.get("action", "") or texts.get("step", "")]
            cells += [texts.get(k, "") for k in ("lead", "timeframe", "rating", "commentary")]
            sheet.rows.append([number, cells, []])
        return sheet

    def labels(self) -> dict:
        """The plan's own names for its levels, from its headings and heading rows."""
        labels = {}
        if self.priority_words:
            labels["priority_label"] = self.priority_words[0]
        for key, label in [("outcome", "outcome_label"), ("action", "action_label")]:
            if self.headings.get(key):
                labels[label] = self.headings[key]
        prefix = common_label(row["outcome"] for row in self.outcome_texts)
        if prefix:
            labels["outcome_label"] = prefix.rstrip(" :")
            for row in self.outcome_texts:
                row["outcome"] = row["outcome"][len(prefix) :].strip()
        return labels


def header_of(grid) -> tuple[int | None, dict[int, str], list[str]]:
    """The last header row's index, column index -> key, and the headings as written: the
    top rows up to the first that names two columns (rows above it add their words)."""
    for end in range(min(3, len(grid))):
        row = grid[end]
        named = {cell.ident: heading_key(cell.text) for cell in unique_cells(row) if cell.text}
        if sum(1 for key in named.values() if key) < 2:
            continue
        columns, headings = {}, []
        for index in range(len(row)):
            words = " ".join(
                grid[r][index].text
                for r in range(end + 1)
                if index < len(grid[r]) and (r == end or grid[r][index].ident != row[index].ident)
            )
            headings.append(" ".join(words.split()))
            key = heading_key(row[index].text) or heading_key(words)
            spanned = index > 0 and row[index].ident == row[index - 1].ident
            if key and key not in columns.values() and not spanned:
                columns[index] = key
        return end, columns, headings
    return None, {}, []


def split_number(text: str) -> tuple[str, str]:
    """ "1.1 Run a survey" -> ("1.1", "Run a survey"); text without a number is kept."""
    first, _, rest = text.partition("\n")
    match = NUMBERED.match(first)
    if not match:
        return "", text
    words = match["text"] or ""
    return match["number"], "\n".join(filter(None, [words, rest])).strip()


def step_label(text: str, previous: str | None = None) -> tuple[str, str]:
    """A step's label and words: "A. Do this", or "B Do that" after an A."""
    match = STEP_LABEL.match(text)
    if match:
        return match["label"], match["text"].strip()
    bare = BARE_LABEL.match(text)
    if bare and previous and ord(bare["letter"].upper()) == ord(previous.upper()) + 1:
        return bare["letter"], bare["text"].strip()
    return "", BULLET.sub("", text)


def split_steps(paragraphs) -> tuple[str, list[tuple[str, str]]]:
    """An action cell's text, and the steps its lettered or listed paragraphs give."""
    text_lines, steps = [], []
    previous = None
    for text, listed in paragraphs:
        label, words = step_label(text, previous)
        if label:
            steps.append((label, words))
            previous = label[:1]
        elif listed or BULLET.match(text):
            steps.append(("", words))
        elif steps:
            steps[-1] = (steps[-1][0], f"{steps[-1][1]}\n{text}")
        else:
            text_lines.append(text)
    return "\n".join(text_lines), steps


def common_label(texts) -> str:
    """The words every outcome heading starts with, up to a question mark or colon: the
    plan's name for the level ("Identified improvement area / desired outcome: What do we
    intend to achieve?")."""
    texts = [t for t in texts if t]
    if len(texts) < 2:
        return ""
    first = texts[0]
    for end in range(len(first), 0, -1):
        if first[end - 1] in "?:" and all(t.startswith(first[:end]) for t in texts):
            return first[:end]
    return ""
