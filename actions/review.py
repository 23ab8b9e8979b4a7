"""The chair's review of leads' updates: who needs it (a pure rule), accepting or returning
an update, and the lists of updates waiting for a reviewer or returned to a lead.

An update by business support staff or by a chair of the group owning the plan rates the
action as it is made; anyone else's (a named lead's) is submitted and waits until a
reviewer (the same two: front.access.Access.can_review) accepts it or returns it with a
challenge. A returned update stays in the history; the lead answers with a new update.
"""

import operator
from functools import reduce

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.formats import date_format

from actions import notices
from actions.models import ProgressUpdate
from plans.models import Membership
from plans.permissions import Standing, needs_review

Status = ProgressUpdate.Status


def status_on_entry(standing: Standing) -> str:
    """The status of a new update, from its author's standing (plans.permissions)."""
    return Status.SUBMITTED if needs_review(standing) else Status.ACCEPTED


def author_standing(author, plan) -> Standing:
    """An update's author's standing towards the plan, from the database (1-2 queries), for
    callers that hold no request's access (scripts and tests)."""
    if author is None:
        return Standing(None)
    membership = Membership.objects.filter(
        user=author, partnership_id=plan.group.partnership_id
    ).first()
    if membership is None:
        return Standing("")
    chairs = (
        membership.role == Membership.Role.CHAIR
        and membership.groups.filter(pk=plan.group_id).exists()
    )
    return Standing(membership.role, chairs_owning_group=chairs)


class ReviewRefused(Exception):
    """The update cannot be reviewed (again): the message says why, in words for the user."""


def accept_update(*, update: ProgressUpdate, reviewer) -> ProgressUpdate:
    """Accept a submitted update: from now on it rates the action (and counts in the packs
    of meetings whose cut-off comes after this moment)."""
    return _review(update=update, reviewer=reviewer, status=Status.ACCEPTED, challenge="")


def return_update(*, update: ProgressUpdate, reviewer, challenge: str) -> ProgressUpdate:
    """Return a submitted update with the reviewer's challenge; it never rates the action."""
    challenge = challenge.strip()
    if not challenge:
        raise ValidationError({"challenge": "Say why the update is returned"})
    return _review(update=update, reviewer=reviewer, status=Status.RETURNED, challenge=challenge)


@transaction.atomic
def _review(*, update, reviewer, status, challenge) -> ProgressUpdate:
    # The row locked, so two reviewers at once cannot both review it: the second is refused.
    current = ProgressUpdate.objects.select_for_update(of=("self",)).select_related(
        "reviewed_by", "author", "rating", "action__outcome__plan__group"
    )
    current = current.get(pk=update.pk)
    if current.status != Status.SUBMITTED:
        raise ReviewRefused(already_reviewed(current))
    if current.author_id is not None and current.author_id == reviewer.pk:
        raise ReviewRefused("You cannot review your own update: another reviewer must.")
    current.status = status
    current.challenge = challenge
    current.reviewed_by = reviewer
    current.reviewed_at = timezone.now()
    current.full_clean()
    current.save(update_fields=["status", "challenge", "reviewed_by", "reviewed_at"])
    notices.reviewed(current)  # its author is emailed
    return current


def already_reviewed(update: ProgressUpdate) -> str:
    done = "accepted" if update.status == Status.ACCEPTED else "returned"
    if update.reviewed_by is None or update.reviewed_at is None:
        return f"This update was already {done}."
    when = date_format(timezone.localtime(update.reviewed_at), "j F Y, H:i")
    return f"This update was already {done} by {person(update.reviewed_by)} on {when}."


def person(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else "someone"


# The lists


def _live():
    """Updates of live actions of live outcomes and plans."""
    return ProgressUpdate.objects.of_live_actions()


def live_updates(partnership):
    """Updates of the partnership's live actions, with what a list of them shows."""
    return (
        _live()
        .filter(action__outcome__plan__group__partnership=partnership)
        .select_related("action__outcome__plan__group", "rating", "author", "reviewed_by")
    )


def reviewable_q(access) -> Q | None:
    """The updates this user reviews: every plan's for staff, their groups' plans' for a
    chair; None for anyone else."""
    if access.can_edit:
        return Q(action__outcome__plan__group__partnership=access.partnership)
    if access.is_reviewer:
        return Q(action__outcome__plan__group__in=access.group_ids)
    return None


def waiting_for(access):
    """Submitted updates this user may review, oldest first. Their own (if they were a lead
    before they were a reviewer) are left to someone else."""
    reviewable = reviewable_q(access)
    if reviewable is None:
        return ProgressUpdate.objects.none()
    return (
        live_updates(access.partnership)
        .filter(reviewable, status=Status.SUBMITTED)
        .exclude(author=access.user)
        .order_by("created_at", "pk")
    )


def waiting_counts(user, accesses) -> dict[int, int]:
    """How many updates wait for this user in each partnership (by its pk), as waiting_for
    says, for all their accesses at once: one query."""
    reviewable = [q for q in map(reviewable_q, accesses) if q is not None]
    if not reviewable:
        return {}
    rows = (
        _live()
        .filter(reduce(operator.or_, reviewable), status=Status.SUBMITTED)
        .exclude(author=user)
        .values_list("action__outcome__plan__group__partnership")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return dict(rows)


def returned_to(access):
    """This user's returned updates not yet answered: the action has no update since."""
    newer = ProgressUpdate.objects.filter(
        action=OuterRef("action"), created_at__gt=OuterRef("created_at")
    )
    return (
        live_updates(access.partnership)
        .filter(author=access.user, status=Status.RETURNED)
        .exclude(Exists(newer))
        .order_by("-reviewed_at", "-pk")
    )
