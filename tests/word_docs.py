"""Word (.docx) plans made for the tests with python-docx, laid out as partnerships keep
them: a table whose header row repeats after page breaks, priorities as rows spanning the
table, outcomes either as a column merged down their actions' rows (Merton's plans) or as
numbered rows of their own (Medway's), an action's cells merged down its steps' rows, steps
lettered ("A.", "B") in a column of their own, themes in words, and a rating key table."""

import io

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

MEDWAY_COLUMNS = [
    ("action_number", "Action number"),
    ("action", "Specific action"),
    ("lead", "Lead"),
    ("step", "Actions and Timescales for work"),
    ("timeframe", "Timescale"),
    ("rating", "RAG rating"),
    ("evidence", "Impact and evidence"),
]
MERTON_COLUMNS = [
    ("outcome", "Impact – what will success look like?"),
    ("action", "Action – what we will do to achieve this"),
    ("themes", "Cross-Cutting Themes"),
    ("lead", "Lead"),
    ("timeframe", "Timeframe"),
    ("step", "Milestones"),
    ("evidence", "Evidence"),
    ("outcome_measures", "How will we know it has made a difference?"),
    ("commentary", "Progress update"),
]
RATING_KEY = [
    ("Red", "Work is significantly behind schedule."),
    ("Amber", "Progress is being made."),
    ("Green", "The action has been completed."),
]


def mark_header(row) -> None:
    """Word's "repeat as header row at the top of each page"."""
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def set_cell(cell, text: str, *, bold: bool = False) -> None:
    """The cell's text, one paragraph per line."""
    lines = (text or "").split("\n")
    cell.text = ""
    first = cell.paragraphs[0]
    for index, line in enumerate(lines):
        paragraph = first if index == 0 else cell.add_paragraph()
        run = paragraph.add_run(line)
        run.bold = bold


class PlanTable:
    """Writes rows into a table of the given columns, merging as Word plans do."""

    def __init__(self, document, columns, *, header_rows=None, repeat_every=12):
        self.columns = columns
        self.keys = [key for key, _ in columns]
        self.table = document.add_table(rows=0, cols=len(columns))
        self.table.style = "Table Grid"
        self.header = header_rows or [[title for _, title in columns]]
        self.repeat_every = repeat_every
        self.since_header = 0
        for texts in self.header:
            self.header_row(texts)

    def header_row(self, texts, mark=True):
        row = self.table.add_row()
        for cell, text in zip(row.cells, texts, strict=True):
            set_cell(cell, text, bold=True)
        if mark:
            mark_header(row)
        self.merge_equal_neighbours(row)
        return row

    def merge_equal_neighbours(self, row):
        """Header cells with the same words side by side are one cell ("Planning")."""
        cells = row.cells
        start = 0
        for index in range(1, len(cells) + 1):
            if index == len(cells) or cells[index].text != cells[start].text:
                if index - 1 > start and cells[start].text:
                    text = cells[start].text
                    merged = cells[start].merge(cells[index - 1])
                    set_cell(merged, text, bold=True)
                start = index

    def new_page(self):
        """A page break inside the table: its header printed again, as a row of text."""
        for texts in self.header:
            self.header_row(texts, mark=False)
        self.since_header = 0

    def full_row(self, text: str):
        row = self.table.add_row()
        merged = row.cells[0].merge(row.cells[-1])
        set_cell(merged, text, bold=True)
        self.count()

    def rows(self, values: list[dict]) -> list:
        """One row per dict of column values; returns the rows' cells."""
        written = []
        for value in values:
            row = self.table.add_row()
            for key, cell in zip(self.keys, row.cells, strict=True):
                set_cell(cell, value.get(key, ""))
            written.append(row)
            self.count()
        return written

    def count(self):
        self.since_header += 1

    def page_break_if_due(self):
        """Between outcomes (never inside a merged cell), the page breaks after a dozen rows."""
        if self.since_header >= self.repeat_every:
            self.new_page()

    def merge_down(self, rows, key: str) -> None:
        """The column's cells of these rows as one cell (vertically merged), keeping the
        first row's text."""
        if len(rows) < 2 or key not in self.keys:
            return
        index = self.keys.index(key)
        text = rows[0].cells[index].text
        merged = rows[0].cells[index].merge(rows[-1].cells[index])
        set_cell(merged, text)


def step_text(step: dict) -> str:
    label, text = step.get("label") or "", step.get("text") or ""
    return f"{label} {text}".strip()


def action_rows(action: dict, theme_names: dict, *, medway: bool) -> list[dict]:
    """An action's rows: its own, then one per step (the first step on the action's own row
    where, as in Medway's plan, the action's lead is its steps' leads)."""
    steps = action.get("steps", [])
    number, text = action.get("number") or "", action.get("text") or ""
    own = {
        "action_number": number,
        "action": text if medway else f"{number} {text}".strip(),
        "themes": "\n".join(theme_names[code] for code in action.get("themes", [])),
        "outcome_measures": action.get("outcome_measures") or "",
        "lead": action.get("lead") or "",
        "timeframe": action.get("timeframe") or "",
    }
    step_leads = "\n".join(s.get("lead") or "" for s in steps if s.get("lead"))
    leads_from_steps = (
        medway and steps and not own["timeframe"] and own["lead"] == step_leads and step_leads
    )
    rows = []
    if leads_from_steps:
        own.pop("lead")
        own.pop("timeframe")
    else:
        rows.append(own)
    for index, step in enumerate(steps):
        row = {
            "step": step_text(step),
            "lead": step.get("lead") or "",
            "timeframe": step.get("timeframe") or "",
            "evidence": step.get("evidence") or "",
        }
        if leads_from_steps and index == 0:
            row = {**own, **row}
        rows.append(row)
    return rows or [own]


def plan_docx(data: dict, *, style: str, theme_names: dict | None = None) -> bytes:
    """A seed plan's data (fixtures/plans/*.yaml) as a Word plan of the given style
    ("medway" or "merton")."""
    theme_names = theme_names or {}
    document = docx.Document()
    document.add_heading(f"{data['title']} {data['period']}", level=1)
    if data.get("introduction"):
        document.add_paragraph(data["introduction"])
    medway = style == "medway"
    if medway:
        key = document.add_table(rows=0, cols=2)
        for word, meaning in RATING_KEY:
            cells = key.add_row().cells
            set_cell(cells[0], word)
            set_cell(cells[1], meaning)
        document.add_paragraph("")
        header = [
            ["Action number", "Planning", "Planning", "Planning", "Planning", "Monitoring",
             "Monitoring"],
            ["Action number", *[title for _, title in MEDWAY_COLUMNS[1:]]],
        ]  # fmt: skip
        table = PlanTable(document, MEDWAY_COLUMNS, header_rows=header)
        # "Action number" spans both header rows.
        first, second = table.table.rows[0], table.table.rows[1]
        merged = first.cells[0].merge(second.cells[0])
        set_cell(merged, "Action number", bold=True)
    else:
        # The plan's own headings, as its Word table has them.
        own = {"outcome": data.get("outcome_label"), "action": data.get("action_label")}
        columns = [(key, own.get(key) or title) for key, title in MERTON_COLUMNS]
        table = PlanTable(document, columns)
    for priority in data.get("priorities", []):
        label = data.get("priority_label") or "Priority"
        table.page_break_if_due()
        table.full_row(f"{label} {priority.get('number') or ''}: {priority['title']}")
        write_outcomes(table, priority.get("outcomes", []), data, theme_names, medway=medway)
    write_outcomes(table, data.get("outcomes", []), data, theme_names, medway=medway)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def write_outcomes(table, outcomes, data, theme_names, *, medway: bool) -> None:
    for outcome in outcomes:
        number, text = outcome.get("number") or "", outcome.get("text") or ""
        if medway:
            label = data.get("outcome_label") or ""
            table.rows([{"action_number": number, "action": f"{label} {text}".strip()}])
        outcome_rows = []
        for action in outcome.get("actions", []):
            values = action_rows(action, theme_names, medway=medway)
            if not medway:
                written_text = f"{number}. {text}" if number else text
                values = [{**value, "outcome": written_text} for value in values]
            rows = table.rows(values)
            table.merge_down(rows, "action")
            table.merge_down(rows, "action_number")
            outcome_rows.append(rows)
        if not outcome.get("actions") and not medway:
            written = f"{number}. {text}" if number else text
            table.rows([{"outcome": written}])
        if outcome_rows and not medway:
            table.merge_down([row for rows in outcome_rows for row in rows], "outcome")
        table.page_break_if_due()
