"""Reading a sheet in the flat layout (reporting.plan_sheet) into a plan's structured data,
with every problem reported by row and column in words. Plain code rather than a
django-import-export Resource: a row's meaning depends on the rows above it."""

from dataclasses import dataclass

from openpyxl.utils import get_column_letter

from reporting.cells import sheet_text, unescape
from reporting.plan_sheet import (
    ACTION_ONLY,
    ACTION_ROW_KEYS,
    COLUMN_BY_KEY,
    COLUMNS,
    CORE_ACTIVITY,
    NARRATIVE_COLUMNS,
    NARRATIVE_PARTS,
    OPTIONAL_COLUMNS,
    OVERARCHING,
)
from reporting.uploads import Sheet
from reporting.word_plans import heading_key

# Reading rows into plan data -------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    row: int | None
    column: str | None
    message: str

    def __str__(self):
        if self.row is None:
            return self.message
        where = f"Row {self.row}, {self.column}" if self.column else f"Row {self.row}"
        return f"{where}: {self.message}"


class Problem(Exception):
    def __init__(self, key: str, message: str):
        super().__init__(message)
        self.key = key
        self.message = message


def normalise_title(title: str) -> str:
    return " ".join(title.split()).casefold()


def level_column(title: str):
    """A plan's own name for a level, as its export writes it ("Strategic priority", "Impact
    number"): the priority, outcome or action column (numbers included) it stands for."""
    words = " ".join(title.split())
    number = words.casefold().endswith(" number")
    key = heading_key(words[: -len(" number")] if number else words)
    if key not in ("priority", "outcome", "action"):
        return None
    return COLUMN_BY_KEY[f"{key}_number" if number else key]


def match_header(header: list[str], rows: list) -> tuple[dict, list[RowError]]:
    """Column key -> index, from the header row; errors name every missing or unknown column."""
    known = {normalise_title(c.title): c for c in COLUMNS + OPTIONAL_COLUMNS}
    errors, found = [], {}
    for index, title in enumerate(header):
        if not title:
            if any(index < len(cells) and cells[index].strip() for _, cells, _ in rows):
                letter = get_column_letter(index + 1)
                errors.append(RowError(1, None, f"column {letter} has no name but has text in it"))
            continue
        column = known.get(normalise_title(title)) or level_column(title)
        if column is None:
            errors.append(
                RowError(
                    1,
                    None,
                    f"there is no column called '{title}' in this layout: remove or rename it",
                )
            )
        elif column.key in found:
            errors.append(RowError(1, None, f"the column '{column.title}' appears twice"))
        else:
            found[column.key] = index
    width = max((len(cells) for _, cells, _ in rows), default=0)
    for index in range(len(header), width):
        if any(index < len(cells) and cells[index].strip() for _, cells, _ in rows):
            letter = get_column_letter(index + 1)
            errors.append(RowError(1, None, f"column {letter} has no name but has text in it"))
    for column in COLUMNS:
        if column.key not in found:
            errors.append(RowError(1, None, f"the column '{column.title}' is missing"))
    return found, errors


def read_plan(sheet: Sheet, partnership) -> tuple[dict, list[RowError]]:
    """Plan data from a sheet of the layout, and every error found, by row and column."""
    columns, errors = match_header(sheet.header, sheet.rows)
    if errors:
        return {}, errors
    data, errors = read_rows(sheet, columns, partnership)
    if sheet.narrative is not None:
        errors += read_narrative(sheet.narrative, partnership, data)
    return data, errors


def read_narrative(sheet: Sheet, partnership, data: dict) -> list[RowError]:
    """The Narrative sheet into data["narrative"] (the plan's texts) and
    data["core_activities"]; its errors say which sheet they are on."""

    def error(row, column, message):
        where = f"{column} (Narrative sheet)" if column else "Narrative sheet"
        return RowError(row, where, message)

    known = {normalise_title(c.title): c.key for c in NARRATIVE_COLUMNS}
    columns, errors = {}, []
    for index, title in enumerate(sheet.header):
        key = known.get(normalise_title(title))
        if key is not None:
            columns[key] = index
        elif title:
            errors.append(error(1, None, f"there is no column called '{title}' in this layout"))
    for key in ("part", "text"):
        if key not in columns:
            title = next(c.title for c in NARRATIVE_COLUMNS if c.key == key)
            errors.append(error(1, None, f"the column '{title}' is missing"))
    if errors:
        return errors
    ratings = {r.label.casefold(): r.label for r in partnership.ratings.live()}
    parts = {title.casefold(): key for key, title in NARRATIVE_PARTS.items()}
    narrative = {key: "" for key in NARRATIVE_PARTS}
    activities = []
    for number, cells, formulas in sheet.rows:
        row = {}
        for key, index in columns.items():
            if index in formulas:
                errors.append(error(number, key.capitalize(), "a formula, not text"))
            row[key] = sheet_text(unescape(cells[index] if index < len(cells) else ""))
        part = row["part"].casefold()
        if part in parts:
            key = parts[part]
            if narrative[key]:
                errors.append(
                    error(number, "Part", f"{NARRATIVE_PARTS[key]} appears twice: write it once")
                )
            narrative[key] = row["text"]
        elif part == CORE_ACTIVITY.casefold():
            if not row["text"]:
                errors.append(error(number, "Text", "write what the core activity is"))
                continue
            label = row.get("rating", "")
            if label and label.casefold() not in ratings:
                known_ratings = ", ".join(ratings.values()) or "none yet"
                errors.append(
                    error(number, "Rating", f"there is no rating '{label}' ({known_ratings})")
                )
                continue
            if label and not row.get("commentary"):
                errors.append(error(number, "Commentary", "write a line to go with the rating"))
                continue
            activity = {key: row.get(key, "") for key in ("text", "lead", "timeframe")}
            activity |= {"rating": ratings.get(label.casefold(), "") if label else ""}
            activities.append({**activity, "commentary": row.get("commentary", ""), "row": number})
        else:
            errors.append(
                error(
                    number,
                    "Part",
                    f"'{row['part']}' is not a part of a plan's narrative: write Introduction, "
                    "Notes, Appendices or Core activity",
                )
            )
    data["narrative"], data["core_activities"] = narrative, activities
    return errors


def read_rows(sheet: Sheet, columns: dict, partnership) -> tuple[dict, list[RowError]]:
    reader = PlanReader(partnership, with_ratings="rating" in columns)
    for number, cells, formulas in sheet.rows:
        values = {}
        for key, index in columns.items():
            text = cells[index] if index < len(cells) else ""
            if index in formulas:
                reader.error(number, key, "a formula, not text")
            values[key] = sheet_text(unescape(text))
        reader.read(number, values)
    return reader.data, reader.errors


class PlanReader:
    """Reads rows one by one, keeping track of the priority, outcome and action they continue."""

    def __init__(self, partnership, *, with_ratings: bool):
        self.themes = {t.code.casefold(): t.code for t in partnership.themes.live()}
        self.ratings = {}
        if with_ratings:
            self.ratings = {r.label.casefold(): r.label for r in partnership.ratings.live()}
        self.data = {"priorities": [], "outcomes": []}
        self.errors: list[RowError] = []
        self.priority = None
        self.outcome = None
        self.action = None
        self.actions_by_number = {}
        self.parent = {}  # id(node) -> the node it sits in (None for no priority)

    def error(self, row: int, key: str | None, message: str) -> None:
        column = COLUMN_BY_KEY[key].title if key else None
        self.errors.append(RowError(row, column, message))

    def read(self, number: int, row: dict) -> None:
        before = len(self.errors)
        for key, value in row.items():
            limit = COLUMN_BY_KEY[key].max_length
            if limit and len(value) > limit:
                self.error(number, key, f"at most {limit} characters (this has {len(value)})")
        if len(self.errors) > before:
            return
        try:
            if row["step_label"] or row["step"]:
                self.read_step(number, row)
            elif any(row.get(key) for key in ACTION_ROW_KEYS):
                self.read_action(number, row)
            elif row["outcome_number"] or row["outcome"]:
                self.read_outcome(number, row)
            elif row["priority_number"] or row["priority"]:
                self.read_priority(number, row)
            else:
                raise Problem(
                    "note",
                    "a note with nothing to go with: write it on the row "
                    "of its outcome, action or step",
                )
        except Problem as problem:
            self.error(number, problem.key, problem.message)

    # Priorities and outcomes continue from row to row.

    def switch_priority(self, priority):
        if priority is not self.priority:
            self.priority, self.outcome, self.action = priority, None, None
        return priority

    def resolve_priority(self, number: int, row: dict):
        code, title = row["priority_number"], row["priority"]
        if not code and not title:
            return self.priority
        overarching = code.casefold().startswith(OVERARCHING.casefold())
        if overarching:  # "Overarching", "Overarching 1": a priority above the others
            code = code[len(OVERARCHING) :].strip(" :.-–")
        current = self.priority
        if title:
            if current and (current["number"], current["title"]) == (code, title):
                return current
            for priority in reversed(self.data["priorities"]):
                if (priority["number"], priority["title"]) == (code, title):
                    return self.switch_priority(priority)
            priority = {
                "number": code,
                "title": title,
                **({"overarching": True} if overarching else {}),
                "outcomes": [],
                "row": number,
            }
            self.data["priorities"].append(priority)
            return self.switch_priority(priority)
        if current and current["number"] == code:
            return current
        for priority in reversed(self.data["priorities"]):
            if priority["number"] == code:
                return self.switch_priority(priority)
        raise Problem(
            "priority_number",
            f"there is no priority {code} above this row: write the priority's title on the "
            "row where it first appears",
        )

    def switch_outcome(self, outcome):
        if outcome is not self.outcome:
            self.outcome, self.action = outcome, None
        return outcome

    def resolve_outcome(self, number: int, row: dict, priority):
        code, text = row["outcome_number"], row["outcome"]
        if not code and not text:
            return self.outcome
        current = self.outcome
        siblings = priority["outcomes"] if priority else self.data["outcomes"]
        if text:
            if current and (current["number"], current["text"]) == (code, text):
                return current
            for outcome in reversed(siblings):
                if (outcome["number"], outcome["text"]) == (code, text):
                    return self.switch_outcome(outcome)
        else:
            if current and current["number"] == code:
                return current
            for outcome in reversed(siblings):
                if outcome["number"] == code:
                    return self.switch_outcome(outcome)
        outcome = {"number": code, "text": text, "note": "", "actions": [], "row": number}
        siblings.append(outcome)
        self.parent[id(outcome)] = priority
        return self.switch_outcome(outcome)

    def unstated_outcome(self, number: int, priority):
        """The outcome, with neither number nor text, that holds actions written straight
        under a priority (or under the plan): a plan without an outcome level."""
        siblings = priority["outcomes"] if priority else self.data["outcomes"]
        for outcome in siblings:
            if not outcome["number"] and not outcome["text"]:
                return self.switch_outcome(outcome)
        outcome = {"number": "", "text": "", "note": "", "actions": [], "row": number}
        siblings.append(outcome)
        self.parent[id(outcome)] = priority
        return self.switch_outcome(outcome)

    # One kind of row each.

    def read_priority(self, number: int, row: dict) -> None:
        if row["note"]:
            raise Problem("note", "a priority has no note: write it on an outcome's row")
        self.resolve_priority(number, row)  # a new priority, or one above
        self.outcome = self.action = None

    def read_outcome(self, number: int, row: dict) -> None:
        priority = self.resolve_priority(number, row)
        outcome = self.resolve_outcome(number, row, priority)
        self.action = None
        if row["note"]:
            if outcome["note"] and outcome["note"] != row["note"]:
                raise Problem("note", "this outcome already has a different note on an earlier row")
            outcome["note"] = row["note"]

    def read_action(self, number: int, row: dict) -> None:
        priority = self.resolve_priority(number, row)
        outcome = self.resolve_outcome(number, row, priority)
        if outcome is None:  # straight under its priority (or the plan): no outcome level
            outcome = self.unstated_outcome(number, priority)
        if row["evidence"]:
            raise Problem(
                "evidence", "evidence goes with a step: write it on a step row, not an action's"
            )
        themes = []
        for code in filter(None, (c.strip() for c in row["themes"].replace(";", ",").split(","))):
            if code.casefold() not in self.themes:
                raise Problem(
                    "themes", f"there is no theme '{code}' in this partnership{self.theme_hint()}"
                )
            if self.themes[code.casefold()] not in themes:
                themes.append(self.themes[code.casefold()])
        action = {
            "number": row["action_number"],
            "text": row["action"],
            "themes": themes,
            **{key: row[key] for key in ["lead", "timeframe", "outcome_measures", "note"]},
            "steps": [],
            "row": number,
        }
        self.read_rating(row, action)
        outcome["actions"].append(action)
        self.parent[id(action)] = outcome
        self.action = action
        if action["number"]:
            self.actions_by_number[action["number"]] = action

    def read_rating(self, row: dict, action: dict) -> None:
        label, commentary = row.get("rating", ""), row.get("commentary", "")
        if not label and not commentary:
            return
        if not label:  # commentary only: the action's rating stays as it is
            action["rating"], action["commentary"] = "", commentary
            return
        if label.casefold() not in self.ratings:
            known = ", ".join(self.ratings.values()) or "none yet"
            raise Problem(
                "rating",
                f"there is no rating '{label}' in this partnership (its ratings: {known})",
            )
        if not commentary:
            raise Problem("commentary", "write a line of commentary to go with the rating")
        action["rating"] = self.ratings[label.casefold()]
        action["commentary"] = commentary

    def read_step(self, number: int, row: dict) -> None:
        code = row["action_number"]
        if code:
            if self.action and self.action["number"] == code:
                action = self.action
            else:
                action = self.actions_by_number.get(code)
            if action is None:
                raise Problem(
                    "action_number",
                    f"there is no action {code} above this step: write the action on its own "
                    "row first",
                )
        else:
            action = self.action
            if action is None:
                raise Problem(
                    "action_number",
                    "this step has no action above it: write its action's number, and the "
                    "action on its own row first",
                )
        if row["action"]:
            raise Problem(
                "action",
                "leave the action blank on a step row: write the action "
                "on its own row, above its steps",
            )
        for key in ACTION_ONLY:
            if row.get(key):
                raise Problem(
                    key,
                    f"a step has no {COLUMN_BY_KEY[key].title.lower()}: write "
                    "it on its action's row",
                )
        self.check_step_parents(row, action)
        if not row["step"]:
            raise Problem("step", "write the step's text")
        action["steps"].append(
            {
                "label": row["step_label"],
                "text": row["step"],
                **{key: row[key] for key in ["lead", "timeframe", "evidence", "note"]},
                "row": number,
            }
        )
        self.action = action

    def check_step_parents(self, row: dict, action: dict) -> None:
        """A step row may repeat its action's outcome and priority, but not name others."""
        outcome = self.parent[id(action)]
        priority = self.parent.get(id(outcome)) or {"number": "", "title": ""}
        checks = [
            ("outcome_number", outcome["number"], "outcome"),
            ("outcome", outcome["text"], "outcome"),
            ("priority_number", priority["number"], "priority"),
            ("priority", priority["title"], "priority"),
        ]
        for key, expected, noun in checks:
            if row[key] and row[key] != expected:
                which = f"action {action['number']}" if action["number"] else "the action above"
                raise Problem(
                    key,
                    f"{which} is not under this {noun}: on a step row, repeat its action's "
                    f"{noun} or leave this blank",
                )

    def theme_hint(self) -> str:
        if not self.themes:
            return " (it has no themes)"
        return f" (its theme codes: {', '.join(self.themes.values())})"
