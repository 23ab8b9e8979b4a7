"""Renumbering a list whose numbers a move left out of order: 1.1, 1.3, 1.2 becomes 1.1, 1.2,
1.3. A pure rule: staff are offered it after a move, never given it unasked (a plan's numbers
are its authors', and a board may know an action by its number)."""

import re

# A number as plans write it: a stem shared by the list ("1." of 1.1, 1.2), a count, and
# perhaps a full stop ("3." in some plans).
NUMBER = re.compile(r"(?P<stem>.*?)(?P<count>\d+)(?P<end>\.?)")


def renumbered(numbers: list[str]) -> list[str] | None:
    """The list's numbers counted on from its lowest, in the list's order; None when they are
    in order already, or are not all of one shape (one stem, then a count), as blank numbers
    and lettered steps are not."""
    matches = [NUMBER.fullmatch(number.strip()) for number in numbers]
    if len(numbers) < 2 or not all(matches):
        return None
    shapes = {(match["stem"], match["end"]) for match in matches}
    if len(shapes) != 1:
        return None
    counts = [int(match["count"]) for match in matches]
    if all(a < b for a, b in zip(counts, counts[1:], strict=False)):
        return None
    (stem, end), start = shapes.pop(), min(counts)
    return [f"{stem}{start + i}{end}" for i in range(len(counts))]
