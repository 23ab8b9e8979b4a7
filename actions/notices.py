"""Emails about the review of updates: the chairs of the group that owns a plan are told when
a lead submits an update for them to review, and its author when it is accepted or returned.

    submitted(update)     # a lead's update now waits for review: its reviewers are owed a notice
    reviewed(update)      # accepted or returned: its author is owed one
    send_due(now)         # the worker: what is due, one email a person, at most one an hour

A notice is a row (ReviewNotice) before it is an email, one per update, person and kind, so
saving twice or two workers at once add or send nothing twice. Batched: a person emailed in
the last hour gets the notices since in one email when the hour is up.
"""

import datetime
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse

from actions.models import ProgressUpdate, ReviewNotice
from plans.models import Membership

logger = logging.getLogger(__name__)
Kind = ReviewNotice.Kind
GAP = datetime.timedelta(hours=1)  # at most one email an hour to a person


def reviewers_of(update: ProgressUpdate) -> list:
    """Who is told of an update to review: the chairs of the group that owns its plan (its
    chairs' sign-ins, and chairs who are members of the group), else the partnership's
    business support staff; each with a sign-in that is on and an email address, never the
    update's author."""
    group = update.action.outcome.plan.group
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    if update.author_id:
        users = users.exclude(pk=update.author_id)
    chairs = users.filter(pk__in=group.chairs.filter(user__isnull=False).values("user"))
    members = users.filter(
        memberships__partnership_id=group.partnership_id,
        memberships__role=Membership.Role.CHAIR,
        memberships__groups=group,
    )
    found = list((chairs | members).distinct())
    if not found:
        found = list(
            users.filter(
                memberships__partnership_id=group.partnership_id,
                memberships__role=Membership.Role.STAFF,
            ).distinct()
        )
    return found


def submitted(update: ProgressUpdate) -> None:
    owe(update, Kind.SUBMITTED, reviewers_of(update))


def reviewed(update: ProgressUpdate) -> None:
    author = update.author
    kind = Kind.ACCEPTED if update.status == ProgressUpdate.Status.ACCEPTED else Kind.RETURNED
    if author is not None and author.is_active and author.email:
        if author.pk != update.reviewed_by_id:
            owe(update, kind, [author])


def owe(update, kind, users) -> None:
    ReviewNotice.objects.bulk_create(
        [ReviewNotice(update=update, recipient=user, kind=kind) for user in users],
        ignore_conflicts=True,  # owed already: nothing twice
    )
    if users:
        transaction.on_commit(schedule_sending)


def schedule_sending(at: datetime.datetime | None = None) -> None:
    from actions.tasks import schedule  # the task's module imports this one

    schedule(at)


def send_due(now: datetime.datetime) -> datetime.datetime | None:
    """Send each person the notices due to them, in one email, unless they were emailed less
    than an hour ago. Returns when the next ones held back fall due (None: none are)."""
    later = []
    waiting = ReviewNotice.objects.filter(sent_at__isnull=True)
    for recipient_id in set(waiting.values_list("recipient", flat=True)):
        last = ReviewNotice.objects.filter(recipient=recipient_id).aggregate(Max("sent_at"))
        last_sent = last["sent_at__max"]
        if last_sent is not None and now - last_sent < GAP:
            later.append(last_sent + GAP)
            continue
        # Claimed first (only rows still unsent: a run beside this one claims others), then sent.
        claimed = waiting.filter(recipient=recipient_id).update(sent_at=now)
        if claimed:
            send_batch(recipient_id, now)
    return min(later, default=None)


def send_batch(recipient_id: int, claimed_at: datetime.datetime) -> None:
    notices = list(
        ReviewNotice.objects.filter(recipient=recipient_id, sent_at=claimed_at).select_related(
            "recipient",
            "update__action__outcome__plan__group__partnership",
            "update__author",
            "update__reviewed_by",
        )
    )
    recipient = notices[0].recipient
    lines = [notice_line(notice) for notice in notices]
    to_review = sum(1 for notice in notices if notice.kind == Kind.SUBMITTED)
    partnership = notices[0].update.action.outcome.plan.group.partnership
    parts = []
    if to_review:
        parts.append(f"{to_review} update{'s' if to_review > 1 else ''} to review")
    if len(notices) > to_review:
        parts.append("your updates reviewed")
    subject = f"{partnership.short_name}: {' and '.join(parts)}"
    text = render_to_string(
        "actions/email/review_notices.txt", {"recipient": recipient, "lines": lines}
    )
    message = EmailMessage(subject, text, settings.DEFAULT_FROM_EMAIL, [recipient.email])
    try:
        message.send()
    except Exception:  # noqa: BLE001 - the mail server's fault: unclaimed, tried again later
        logger.exception("Could not send review notices to %s", recipient.email)
        ReviewNotice.objects.filter(pk__in=[n.pk for n in notices]).update(sent_at=None)


def notice_line(notice: ReviewNotice) -> dict:
    update = notice.update
    action = update.action
    plan = action.outcome.plan
    slug = plan.group.partnership.slug
    where = f"{plan.group.short_name or plan.group.name} {plan.period}".strip()
    if notice.kind == Kind.SUBMITTED:
        by = person(update.author)
        text = f"Action {action.number or ''} ({where}): an update by {by} waits for your review."
        path = reverse("actions:review", args=[slug, update.pk])
    elif notice.kind == Kind.ACCEPTED:
        text = (
            f"Action {action.number or ''} ({where}): your update of "
            f"{update.reported_on.day} {update.reported_on:%B} was accepted by "
            f"{person(update.reviewed_by)}."
        )
        path = reverse("actions:detail", args=[slug, action.pk])
    else:
        text = (
            f"Action {action.number or ''} ({where}): your update of "
            f"{update.reported_on.day} {update.reported_on:%B} was returned by "
            f"{person(update.reviewed_by)}: “{update.challenge}” Give a new update:"
        )
        path = reverse("actions:update", args=[slug, action.pk])
    return {"text": " ".join(text.split()), "url": settings.MSCP_SITE_URL + path}


def person(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else "someone"
