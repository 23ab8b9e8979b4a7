from django import template

from reporting.locks import kept_packs, locked_by_words
from reporting.packs import meeting_cutoff

register = template.Library()


@register.simple_tag
def lock_state(meeting):
    """What the meeting page's lock panel shows: who locked it and when, and the kept files
    (one query: the files' contents are not loaded)."""
    current, earlier = kept_packs(meeting)
    return {
        "locked_by": locked_by_words(meeting) if meeting.locked else "",
        # Locked before the end of the meeting day: the lock is the cut-off.
        "at_lock": meeting.locked and meeting_cutoff(meeting) == meeting.locked_at,
        "current": current,
        "earlier": earlier,
    }
