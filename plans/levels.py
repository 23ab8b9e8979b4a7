"""A plan's own names for its levels, as its users say them in a sentence.

A plan's labels are its column headings as written ("Impact – what will success look like?",
"Identified improvement area / desired outcome: What do we intend to achieve?"); a button
or a message needs the level's name: "Add an impact", "Add an identified improvement area /
desired outcome".
"""

import re

# A heading's name ends where its question or gloss starts.
GLOSS = re.compile(r"\s[–—-]\s|:|\?|\(")


def level_name(label: str, default: str) -> str:
    """The level's name from its heading, in lower case within a sentence (acronyms kept)."""
    name = GLOSS.split(label, maxsplit=1)[0].strip() or default
    first = name.split()[0]
    if first.isupper() and len(first) > 1:
        return name
    return name[:1].lower() + name[1:]


def with_article(name: str) -> str:
    """ "an impact", "a strategic priority" (by the first letter: good enough for headings)."""
    return ("an " if name[:1].lower() in "aeiou" else "a ") + name
