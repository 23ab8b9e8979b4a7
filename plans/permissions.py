"""Who may give progress updates and whose updates wait for review: pure rules on a member's
standing, so each is written once. The request's access (front.access.Access), the update
form's write (actions.progress.record_progress) and the update cycle's reminders
(reporting.cycle_rules) all ask here, passing on the standing they already hold.
"""

from dataclasses import dataclass

from plans.models import Membership

Role = Membership.Role


@dataclass(frozen=True)
class Standing:
    """A member's standing towards one plan: their role in its partnership (None: no person,
    i.e. a script or the demo loader, trusted as staff are; "": not a member), and whether
    they chair the group that owns the plan."""

    role: str | None
    chairs_owning_group: bool = False


def may_update(standing: Standing, *, leads_it: bool) -> bool:
    """Staff update every action; a chair updates the actions of their group's plans and
    those whose lead (or a step's lead) names them. Board members read."""
    if standing.role == Role.STAFF:
        return True
    return standing.role == Role.CHAIR and (standing.chairs_owning_group or leads_it)


def may_review(standing: Standing) -> bool:
    """Staff and the chairs of the group owning the plan review its leads' updates."""
    return standing.role == Role.STAFF or (
        standing.role == Role.CHAIR and standing.chairs_owning_group
    )


def needs_review(standing: Standing) -> bool:
    """An update by a reviewer (or a script) rates the action as it is made; anyone else's,
    a named lead's, waits until a reviewer accepts it."""
    return standing.role is not None and not may_review(standing)
