"""An action's steps in words, one way for every output: the plan page and the action page
draw them as HTML (front.plan_table), the PDF and Excel packs as lines of text."""

import re


def step_details(step, *, evidence: bool = True) -> list[tuple[str, str]]:
    """What is said of a step after its text: its lead and (where asked) its evidence."""
    details = [("Lead", step.lead)] if step.lead else []
    if evidence and step.evidence:
        details.append(("Evidence", step.evidence))
    return details


def step_text(step, *, evidence: bool = True) -> str:
    """A step as a line of text: "B. Audit the referrals – June 2025 (Lead: QA Sub-Group)".
    The Excel pack, which has a column for evidence, leaves it out here."""
    line = f"{step.label or '•'} {step.text}"
    if step.timeframe:
        line += f" – {step.timeframe}"
    details = step_details(step, evidence=evidence)
    if details:
        line += " (" + "; ".join(f"{name}: {value}" for name, value in details) + ")"
    return line


BULLET = re.compile(r"^[•·*–-]\s+")


def measure_lines(text: str) -> str:
    """One line per measure, as the Word plans list them (blank lines and bullets dropped)."""
    measures = (BULLET.sub("", line.strip()) for line in text.splitlines())
    return "\n".join(measure for measure in measures if measure)
