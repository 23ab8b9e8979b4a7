"""Split a plan's free-text lead cell into the people, roles, groups and agencies it names.

Pure Python (no Django) so it can be tested and reused on its own. A lead cell names several
leads at once ("Keith Shipman/Robert Carrick (LB Merton)", "Zoe Gallen, MSCP BSU") and, in
text extracted from Word, loses the line breaks between them ("MASH Strategic Board MSCP
Executive"). The partnership's known group names find most of the joins; the rest is split on
separators and read by its words. Nothing here raises.
"""

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

LEAD_KINDS = ("person", "role", "group", "own_group", "organisation", "everyone")


@dataclass(frozen=True)
class LeadPart:
    kind: str  # one of LEAD_KINDS
    name: str  # cleaned display name
    organisation: str = ""  # the organisation named with a person or role, e.g. "LB Merton"


def normalise_name(name: str) -> str:
    """The form names are matched in: "Policy & Procedures Sub Group" -> "policy and procedures
    subgroup"."""
    return _strip_ends(_normalise_mapped(name)[0])


# Spellings plans use for one word: matched as the same record.
_SPELLINGS = {
    "advisor": "adviser",
    "organization": "organisation",
    "program": "programme",
    "centre": "center",
    "coordinator": "co-ordinator",
    "cochair": "co-chair",
}
_PUNCTUATION = re.compile(r"[,;:()\[\]]")
_DOTS = re.compile(r"[.'’]")  # "L.B." is "LB", "Children's" is "Childrens"
# Words a lead uses that name no one: the lead keeps them as written, no record is made.
NOT_NAMES = frozenset(
    {
        "report", "reports", "team", "teams", "tbc", "tbd", "n/a", "na", "various", "none",
        "lead", "leads", "partners", "agencies", "members", "chair", "chairs", "other",
        "others", "etc", "all partners", "relevant agencies", "partner agencies",
    }
)  # fmt: skip


def lead_key(name: str) -> str:
    """The form a lead record's name is matched in: case, punctuation, plurals and the common
    spelling pairs ignored. "Audit SubGroups" and "Audit Sub-Group", "Communication" and
    "Communications", "Advisor" and "Adviser" each match."""
    words = _PUNCTUATION.sub(" ", _DOTS.sub("", normalise_name(name))).split()
    return " ".join(_singular(_SPELLINGS.get(word, word)) for word in words)


def _singular(word: str) -> str:
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def is_not_a_name(name: str, partnership_names: Iterable[str] = ()) -> bool:
    """Words that name no record: "Reports", "Team", "via the hub", or the partnership's
    own name or initials ("MSCP" in MSCP's plan)."""
    key = lead_key(name)
    if key in NOT_NAMES or name.casefold() in NOT_NAMES or key.startswith("via "):
        return True
    return key in {lead_key(own) for own in partnership_names if own}


def initials(name: str) -> str:
    """ "Merton Safeguarding Children Partnership" -> "MSCP"."""
    return "".join(word[0] for word in name.split() if word[:1].isupper())


def parse_lead(text: str, known_groups: Iterable[str] = ()) -> tuple[LeadPart, ...]:
    # Control characters are extraction debris, and _MASK must not occur in the text itself.
    text = _CONTROL.sub(" ", text)
    found: list[tuple[int, LeadPart]] = []
    masked = list(text)
    for start, end, name in _find_known_groups(text, known_groups):
        found.append((start, LeadPart("group", name)))
        masked[start:end] = _MASK * (end - start)
    found.extend(_parse_unknown("".join(masked)))
    found.sort(key=lambda item: item[0])
    return _dedupe(part for _, part in found)


# --- normalising, with a map back to the original text ------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_MASK = "\x00"  # stands in for a known group's text once it has been found
_APOSTROPHES = re.compile(r"[’‘ʼ`]")  # Word's curly apostrophes: "Children’s"
_AMPERSAND = re.compile(r"\s*&\s*")
_SUBGROUP = re.compile(r"\bsub[\s\-‐‑–—]*group")
_SPACES = re.compile(r"\s+")
_SLASH_SPACES = re.compile(r"\s*/\s*")  # "Hub Manager/ Zoe" is written both ways
_NORMALISING = ((_APOSTROPHES, "'"), (_AMPERSAND, " and "), (_SUBGROUP, "subgroup"), (_SPACES, " "))


def _normalise_mapped(text: str) -> tuple[str, list[int], list[int]]:
    """The normalised text, and for each of its characters where it starts and ends in text."""
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for index, char in enumerate(text):
        for folded in char.casefold():  # "ß" folds to two characters
            chars.append(folded)
            starts.append(index)
            ends.append(index + 1)
    folded_text = "".join(chars)
    for pattern, replacement in _NORMALISING:
        folded_text, starts, ends = _sub_mapped(pattern, replacement, folded_text, starts, ends)
    return folded_text, starts, ends


def _sub_mapped(
    pattern: re.Pattern[str], replacement: str, text: str, starts: list[int], ends: list[int]
) -> tuple[str, list[int], list[int]]:
    parts: list[str] = []
    new_starts: list[int] = []
    new_ends: list[int] = []
    last = 0
    for match in pattern.finditer(text):
        parts.append(text[last : match.start()])
        new_starts.extend(starts[last : match.start()])
        new_ends.extend(ends[last : match.start()])
        parts.append(replacement)
        new_starts.extend([starts[match.start()]] * len(replacement))
        new_ends.extend([ends[match.end() - 1]] * len(replacement))
        last = match.end()
    parts.append(text[last:])
    new_starts.extend(starts[last:])
    new_ends.extend(ends[last:])
    return "".join(parts), new_starts, new_ends


def _strip_ends(text: str) -> str:
    """text without punctuation or spaces at its ends, except brackets it opened or closed."""
    start, end = 0, len(text)
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    core = text[start:end]
    # "Case File Audit Group (CFAG)" keeps its closing bracket.
    for opener, closer in ("()", "[]"):
        if closer in text[end:] and core.count(opener) > core.count(closer):
            core += closer
        if opener in text[:start] and core.count(closer) > core.count(opener):
            core = opener + core
    return core


def _find_known_groups(text: str, known_groups: Iterable[str]) -> list[tuple[int, int, str]]:
    """(start, end, known name) of each known group named in text, longest names first."""
    names: dict[str, str] = {}
    for name in known_groups:
        key = normalise_name(name)
        # Names that normalise alike ("Policy & Procedures Sub Group" and "Policy and
        # Procedures Sub Group") are one group: the first passed, usually its name, wins.
        if key and key not in names:
            names[key] = name.strip()
    if not names:
        return []
    normalised, starts, ends = _normalise_mapped(text)
    taken = bytearray(len(normalised))
    spans: list[tuple[int, int, str]] = []
    for key in sorted(names, key=len, reverse=True):
        for match in re.finditer(rf"(?<!\w){re.escape(key)}(?!\w)", normalised):
            if any(taken[match.start() : match.end()]):
                continue
            taken[match.start() : match.end()] = b"\x01" * (match.end() - match.start())
            spans.append((starts[match.start()], ends[match.end() - 1], names[key]))
    return sorted(spans)


# --- vocabulary ---------------------------------------------------------------------------------

_ROLE_WORDS = (
    r"managers?|officers?|scrutineers?|business\s+(?:support\s+)?units?|bsu|co-?chairs?"
    r"|chair(?:man|woman|person)?s?|leads?|co-?ordinators?|inspectors?|directors?"
    r"|advis[eo]rs?|administrators?|nurses?|doctors?|champions?|teams?|secretariat|head\s+of"
)
_GROUP_WORDS = (
    r"sub[\s\-‐‑–—]*groups?|groups?|boards?|panels?|partnerships?|executives?|forums?"
    r"|committees?|networks?"
)
_ORGANISATION_WORDS = (
    r"nhs|ccg|icb|police|council|children['’]?s\s+(?:social\s+care|services)|social\s+care"
    r"|camhs|trust|hospital|schools?|probation|local\s+authority|london\s+borough|health"
    r"|education|services?|yos|yot"
)
_ROLE = re.compile(rf"\b(?:{_ROLE_WORDS})\b", re.IGNORECASE)
# A team a person works in, so "Zoe Gallen, MSCP BSU" reads as Zoe Gallen of the MSCP BSU.
_TEAM = re.compile(r"\b(?:business\s+(?:support\s+)?unit|bsu|teams?|secretariat)\b", re.IGNORECASE)
_GROUP_END = re.compile(rf"\b(?:{_GROUP_WORDS})(?:\s*\([^()]*\))?$", re.IGNORECASE)
_ORGANISATION = re.compile(rf"\b(?:{_ORGANISATION_WORDS})\b", re.IGNORECASE)
_LONDON_BOROUGH = re.compile(r"\bLB\s+[A-Z]")  # "LB Merton"
_ORGANISATION_END = re.compile(rf"\b(?:{_ORGANISATION_WORDS})(?:\s*\([^()]*\))?$", re.IGNORECASE)
_TERMINAL_END = re.compile(
    rf"\b(?:{_ROLE_WORDS}|{_GROUP_WORDS}|{_ORGANISATION_WORDS})(?:\s*\([^()]*\))?\s*$",
    re.IGNORECASE,
)
_ACRONYM = re.compile(r"[A-Z][A-Z0-9&]+")
_EVERYONE = re.compile(r"all|everyone|all (?:partners|partner agencies|agencies|members)")
_OWN_GROUP = frozenset(
    {"subgroup", "full subgroup", "whole subgroup", "the subgroup", "full group", "whole group"}
)
_PARTICLES = frozenset({"van", "von", "de", "da", "del", "der", "di", "du", "la", "le", "bin"})
# Left dangling at the end of a name when the group after them was cut out: "Chair of".
_CONNECTORS = frozenset({"of", "for", "the", "to", "at", "by", "on", "and", "with", "in"})
_HEADING = re.compile(r"\s*(?:Lead|LEAD)\b(?P<colon>\s*:)?\s*")
# "Chair of the QA Group" is a role although it ends in a group's word.
_ROLE_OF = re.compile(rf"\b(?:{_ROLE_WORDS})\s+(?:of|for)\b", re.IGNORECASE)


def _classify(text: str) -> LeadPart | None:
    name = _clean_name(text)
    if not any(char.isalpha() for char in name):
        return None
    key = normalise_name(name)
    if _EVERYONE.fullmatch(key):
        return LeadPart("everyone", name)
    if key in _OWN_GROUP:
        return LeadPart("own_group", name)
    # A group's name may hold a role word ("Neglect Champions Group"); its last word decides.
    if _GROUP_END.search(name) and not _ROLE_OF.search(name):
        return LeadPart("group", name)
    if _ROLE.search(name):
        # "scrutineers" in lower case is a description, not a post someone holds.
        return LeadPart("role", name) if any(c.isupper() for c in name) else None
    if _is_organisation(name):
        return LeadPart("organisation", name)
    if _is_person(name):
        return LeadPart("person", name)
    return None


def _kind(text: str) -> str:
    part = _classify(text)
    return part.kind if part else ""


def _is_organisation(name: str) -> bool:
    words = name.split()
    return bool(
        _ORGANISATION.search(name)
        or _LONDON_BOROUGH.search(name)
        or (words and _ACRONYM.fullmatch(words[0]))
    )


def _is_person(name: str) -> bool:
    """One to four capitalised words: "John", "James Dickson Leach", "Ann-Marie Brosnan"."""
    words = name.split()
    if not 1 <= len(words) <= 4:
        return False
    inner = range(1, len(words) - 1)
    return all(
        _is_name_word(word) or (index in inner and word in _PARTICLES)
        for index, word in enumerate(words)
    )


def _is_name_word(word: str) -> bool:
    letters = word.replace("-", "").replace("'", "").replace("’", "")
    if len(letters) == 1 or (len(word) == 2 and word.endswith(".")):
        return letters[:1].isupper()  # an initial: "J" or "J."
    return word[:1].isupper() and letters.isalpha() and not letters.isupper()


def _has_terminal(text: str) -> bool:
    """Whether text is a whole name by its words: a role, group or organisation word, or an
    acronym at its end ("IDVA"). "MSCP Learning" is not: it is the start of "MSCP Learning &
    Development Officer"."""
    name = _clean_name(text)
    words = name.split()
    return bool(
        _ROLE.search(name)
        or _GROUP_END.search(name)
        or _ORGANISATION.search(name)
        or _LONDON_BOROUGH.search(name)
        or (words and _ACRONYM.fullmatch(words[-1]))
    )


def _clean_name(text: str) -> str:
    name = _SPACES.sub(" ", text.replace(_MASK, " "))
    name = _SLASH_SPACES.sub("/", name)
    words = _strip_ends(name).split(" ")
    while len(words) > 1 and words[-1].casefold() in _CONNECTORS:
        words.pop()
    return _strip_ends(" ".join(words))


# --- splitting what is left once known groups are cut out ---------------------------------------

_BRACKET = re.compile(r"\(([^()\[\]]*)\)|\[([^()\[\]]*)\]")
_BETWEEN_NAMES = re.compile(rf"[\n;,]|{_MASK}+|\s+(?:and|&|with|supported\s+by)\s+", re.IGNORECASE)
_SLASH = re.compile(r"/")
_FIRST_NAME_END = re.compile(rf"[/(\[]|{_BETWEEN_NAMES.pattern}", re.IGNORECASE)
_RUN_ON = re.compile(r"(?<=\s)[A-Z][A-Z0-9&]+\b")  # an acronym starting a new name mid-text
_MAX_RUN_ON = 300  # characters; longer text is not a run of names, and splitting it is slow


@dataclass(frozen=True)
class _Piece:
    start: int
    end: int
    separator: str = ""  # the separator before it
    organisation: str = ""


class _Brackets:
    """The bracketed organisations kept in the text, in order: "(LB Merton)", "(JEG)"."""

    def __init__(self, spans: list[tuple[int, int, str]]):
        self.spans = spans
        self.starts = [start for start, _, _ in spans]

    def inside(self, position: int) -> bool:
        """Whether position is within a kept bracket (its brackets included)."""
        index = bisect_right(self.starts, position) - 1
        return index >= 0 and position < self.spans[index][1]

    def within(self, start: int, end: int) -> list[tuple[int, int, str]]:
        first = bisect_left(self.starts, start)
        last = bisect_left(self.starts, end)
        return [span for span in self.spans[first:last] if span[1] <= end]


def _parse_unknown(masked: str) -> Iterator[tuple[int, LeadPart]]:
    masked, brackets = _read_brackets(_drop_heading(masked))
    chunks = _merge_chunks(masked, _split(masked, 0, len(masked), _BETWEEN_NAMES, brackets))
    for chunk in chunks:
        yield from _parse_chunk(masked, chunk, brackets)


def _drop_heading(masked: str) -> str:
    """masked without a stray "Lead" column heading at its start ("Lead Business Support
    Unit/..."), which stays when it is part of a role ("Lead Nurse")."""
    heading = _HEADING.match(masked)
    if heading is None:
        return masked
    rest = masked[heading.end() :]
    first = _FIRST_NAME_END.split(rest, maxsplit=1)[0]
    if heading["colon"] or not first.strip():
        drop = True  # "Lead:", "Lead" alone, or "Lead" before a known group
    else:
        drop = len(first.split()) > 1 and _kind(first) in ("role", "group", "person")
    return " " * heading.end() + rest if drop else masked


def _read_brackets(masked: str) -> tuple[str, _Brackets]:
    """masked with bracketed notes blanked out, and the bracketed organisations it keeps.

    A note's known groups were found already; the rest of a note names no lead.
    """
    chars = list(masked)
    kept: list[tuple[int, int, str]] = []
    for match in _BRACKET.finditer(masked):
        content = match.group(1) if match.group(1) is not None else match.group(2)
        if _MASK not in content and _is_organisation_note(content):
            kept.append((match.start(), match.end(), content))
        else:
            chars[match.start() : match.end()] = " " * (match.end() - match.start())
    brackets = _Brackets(kept)
    for index, char in enumerate(chars):
        if char in "()[]" and not brackets.inside(index):
            # An unmatched bracket still ends the name before it: "Keith Shipman (LB Merton".
            chars[index] = "\n"
    return "".join(chars), brackets


def _is_organisation_note(content: str) -> bool:
    name = _clean_name(content)
    if not 1 <= len(name.split()) <= 5 or _GROUP_END.search(name):
        return False
    if _ROLE.search(name) and not _TEAM.search(name):
        return False
    return _is_organisation(name)


def _split(
    text: str, start: int, end: int, pattern: re.Pattern[str], brackets: _Brackets
) -> list[_Piece]:
    pieces: list[_Piece] = []
    last, separator = start, ""
    for match in pattern.finditer(text, start, end):
        if brackets.inside(match.start()):
            continue
        pieces.append(_Piece(last, match.start(), separator))
        last, separator = match.end(), match.group()
    pieces.append(_Piece(last, end, separator))
    return pieces


def _merge_chunks(masked: str, pieces: list[_Piece]) -> list[_Piece]:
    merged: list[_Piece] = []
    for piece in pieces:
        previous = merged[-1] if merged else None
        if previous and _joins(masked, previous, piece):
            merged[-1] = replace(previous, end=piece.end)
        elif previous and _names_team(masked, previous, piece):
            team = _clean_name(masked[piece.start : piece.end])
            merged[-1] = replace(previous, organisation=team)
        else:
            merged.append(piece)
    return merged


def _joins(masked: str, left: _Piece, right: _Piece) -> bool:
    """Whether an "and"/"&" is inside one name ("Learning & Development Officer", "Policy and
    Training Group", "Risk and Resilience Service") rather than between two ("Zoe Gallen and
    Sarah Brewster", "Police and NHS")."""
    if right.separator.strip().casefold() not in ("and", "&"):
        return False
    before = masked[left.start : left.end].rsplit("/", 1)[-1]
    after = masked[right.start : right.end].split("/", 1)[0]
    if not before.strip() or _has_terminal(before) or _kind(before) in ("everyone", "own_group"):
        return False
    after_kind = _kind(after)
    if after_kind == "group":
        return True
    if after_kind == "organisation" and not _ORGANISATION_END.search(_clean_name(after)):
        return False
    if after_kind not in ("role", "organisation"):
        return False
    return not (_is_person(_clean_name(before)) and " " in before.strip())


def _names_team(masked: str, left: _Piece, right: _Piece) -> bool:
    """Whether a comma means "of": "Zoe Gallen, MSCP BSU" but not "Benedicta Ogeah, Sarah
    Slater". Like a bracket, the team belongs to every person in the slash list before it."""
    if right.separator.strip() != "," or left.organisation:
        return False
    person = masked[left.start : left.end].rsplit("/", 1)[-1]
    team = masked[right.start : right.end]
    words = team.split()
    if not words or not _ACRONYM.fullmatch(words[0]) or "/" in team:
        return False
    if "(" in person or _kind(person) != "person":
        return False
    kind = _kind(team)
    return kind == "organisation" or (kind == "role" and bool(_TEAM.search(team)))


def _parse_chunk(masked: str, chunk: _Piece, brackets: _Brackets) -> Iterator[tuple[int, LeadPart]]:
    """The leads of one chunk: a slash list, whose bracketed organisation belongs to the people
    before it ("Keith Shipman/Robert Carrick (LB Merton)")."""
    parts: list[tuple[int, LeadPart]] = []
    for item in _join_slashes(masked, _split(masked, chunk.start, chunk.end, _SLASH, brackets)):
        for start, end, organisation in _cut_brackets(masked, item, brackets):
            for position, text in _split_run_on(masked[start:end], start):
                part = _classify(text)
                if part is None:
                    continue
                if organisation and part.kind in ("person", "role"):
                    part = replace(part, organisation=organisation)
                    parts = [_give_organisation(p, organisation) for p in parts]
                parts.append((position, part))
    if chunk.organisation:
        parts = [_give_organisation(p, chunk.organisation) for p in parts]
    yield from parts


def _give_organisation(item: tuple[int, LeadPart], organisation: str) -> tuple[int, LeadPart]:
    position, part = item
    if part.kind == "person" and not part.organisation:
        return position, replace(part, organisation=organisation)
    return item


def _join_slashes(masked: str, items: list[_Piece]) -> list[_Piece]:
    """items, with a fragment joined to the role or group after it: "MSCP Training/ Learning &
    Development Officer" is one role."""
    joined: list[_Piece] = []
    for item in items:
        previous = joined[-1] if joined else None
        if previous and _is_fragment(masked[previous.start : previous.end]):
            if _kind(masked[item.start : item.end]) in ("role", "group"):
                joined[-1] = replace(previous, end=item.end)
                continue
        joined.append(item)
    return joined


def _is_fragment(text: str) -> bool:
    name = _clean_name(text)
    words = name.split()
    if not words or _has_terminal(name):
        return False
    return not _is_person(name) and _kind(name) not in ("everyone", "own_group")


def _cut_brackets(masked: str, item: _Piece, brackets: _Brackets) -> Iterator[tuple[int, int, str]]:
    """(start, end, organisation) of the names in item, reading "(LB Merton)" after a person
    or role as their organisation, and "(JEG)" after a group as part of its name."""
    cursor = item.start
    for start, end, content in brackets.within(item.start, item.end):
        kind = _kind(masked[cursor:start])
        if kind in ("group", "organisation"):
            continue  # it abbreviates the name before it, and stays in that name
        if kind in ("person", "role"):
            yield cursor, start, _clean_name(content)
        else:
            yield cursor, start, ""  # "All (NHS)": what is before it is read on its own,
            yield start + 1, end - 1, ""  # and the bracket names an organisation
        cursor = end
    yield cursor, item.end, ""


def _split_run_on(text: str, start: int) -> list[tuple[int, str]]:
    """text split where one name runs into the next after a lost line break: "Medway
    Children's Social Care MSCP Training Officer" is an organisation and a role."""
    if len(text) > _MAX_RUN_ON:
        return [(start, text)]
    for match in _RUN_ON.finditer(text):
        before, after = text[: match.start()], text[match.start() :]
        if _TERMINAL_END.search(before) and _kind(after) in ("role", "group", "organisation"):
            return [(start, before), *_split_run_on(after, start + match.start())]
    return [(start, text)]


def _dedupe(parts: Iterable[LeadPart]) -> tuple[LeadPart, ...]:
    kept: dict[tuple[str, str], LeadPart] = {}
    for part in parts:
        key = (part.kind, normalise_name(part.name))
        if key not in kept:
            kept[key] = part
        elif part.organisation and not kept[key].organisation:
            kept[key] = replace(kept[key], organisation=part.organisation)
    return tuple(kept.values())
