"""The update cycle's emails: who is sent what for a meeting, each email built from templates
(plain text, with an HTML alternative), and each one sent at most once.

Every email links straight to the update form of each action it names, at the site's
address (settings.MSCP_SITE_URL): a lead opens it, rates, comments, saves.
"""

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from plans.models import Group
from reporting import cycle_rules
from reporting.models import Reminder
from reporting.update_cycle import Item, PeriodStatus

logger = logging.getLogger(__name__)
Kind = Reminder.Kind
Status = Reminder.Status


def absolute(path: str) -> str:
    return settings.MSCP_SITE_URL.rstrip("/") + path


@dataclass
class Line:
    """An action as an email names it."""

    number: str
    text: str
    plan: str
    url: str
    lead: str


@dataclass
class Email:
    kind: str
    user: object
    address: str
    subject: str
    text: str
    html: str
    action_ids: list[int] = field(default_factory=list)


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def meeting_words(status: PeriodStatus) -> dict:
    meeting = status.meeting
    return {
        "meeting_name": meeting.title or meeting.group.name,
        "group": meeting.group,
        "held_on": meeting.held_on,
        "due": status.period.due,
        "partnership": status.partnership,
        "site_url": absolute("/"),
    }


def line(status: PeriodStatus, item: Item, *, update_link: bool = True) -> Line:
    action, slug = item.action, status.partnership.slug
    name = "actions:update" if update_link else "actions:detail"
    return Line(
        number=action.number,
        text=Truncator(" ".join(item.short_text.split())).chars(160),
        plan=item.plan.full_title,
        url=absolute(reverse(name, args=[slug, action.pk])),
        lead=" ".join(action.lead.split()),
    )


def render(template: str, context: dict) -> tuple[str, str]:
    """The plain-text body and its HTML alternative."""
    return (
        render_to_string(f"reporting/email/{template}.txt", context),
        render_to_string(f"reporting/email/{template}.html", context),
    )


def emails_for(status: PeriodStatus, kind: str) -> list[Email]:
    """The emails of this kind the meeting's period calls for, leaving out those sent already
    (or being sent by another run); one that failed is tried again."""
    already = {
        r.recipient_id for r in status.reminders if r.kind == kind and r.status != Status.FAILED
    }
    if kind == Kind.MISSING:
        return chair_emails(status, already)
    return lead_emails(status, kind, already)


def lead_emails(status: PeriodStatus, kind: str, already: set[int]) -> list[Email]:
    items = {item.action.pk: item for item in status.items}
    asked = cycle_rules.leads_to_notify(
        {pk: item.owed for pk, item in items.items()},
        outstanding={item.action.pk for item in status.outstanding},
        already=already,
    )
    emails = []
    for user_id, action_ids in asked.items():
        user = status.users[user_id]
        lines = [line(status, items[pk]) for pk in action_ids]
        due = status.period.due
        subject = (
            f"{'Reminder: please' if kind == Kind.DEADLINE else 'Please'} update "
            f"{plural(len(lines), 'action')} by {due:%A %-d %B %Y} for the "
            f"{status.meeting.group.short_name} meeting"
        )
        context = {
            **meeting_words(status),
            "reminder": kind == Kind.DEADLINE,
            "name": user.first_name or status.name_of(user_id),
            "lines": lines,
            "count": len(lines),
            "as_chair": sum(items[pk].owed.via_chairs for pk in action_ids),
        }
        text, html = render("lead_notice", context)
        emails.append(Email(kind, user, user.email, subject, text, html, action_ids))
    return emails


def chair_emails(status: PeriodStatus, already: set[int]) -> list[Email]:
    """To each chair of the group that meets (and at a board meeting, of each plan's group,
    for its plans): the actions still without an update, by lead."""
    meeting = status.meeting
    chairs = {
        group_id: [u for u in status.chairs_of(group_id) if reachable(status, u)]
        for group_id in status.groups
    }
    items = {item.action.pk: item for item in status.outstanding}
    told = cycle_rules.chairs_to_tell(
        [(pk, item.plan.group_id) for pk, item in items.items()],
        meeting_group_id=meeting.group_id,
        board_meeting=meeting.group.kind == Group.Kind.BOARD,
        chairs=chairs,
        already=already,
    )
    emails = []
    for user_id, action_ids in told.items():
        user = status.users[user_id]
        member = status.members[user_id]
        groups: dict[str, list[Line]] = {}
        for pk in action_ids:
            item = items[pk]
            can = cycle_rules.may_update(
                member,
                plan_group_id=item.plan.group_id,
                leads_it=any(lead.user_id == user_id for lead in item.leads),
            )
            entry = line(status, item, update_link=can)
            for label in lead_labels(status, item):
                groups.setdefault(label, []).append(entry)
        subject = (
            f"Missing updates: {plural(len(action_ids), 'action')} for the "
            f"{meeting.group.short_name} meeting on {meeting.held_on:%A %-d %B %Y}"
        )
        context = {
            **meeting_words(status),
            "name": user.first_name or status.name_of(user_id),
            "count": len(action_ids),
            "by_lead": sorted(groups.items(), key=lambda pair: (pair[0] == NO_PERSON, pair[0])),
        }
        text, html = render("missing_updates", context)
        emails.append(Email(Kind.MISSING, user, user.email, subject, text, html, action_ids))
    return emails


NO_PERSON = "Leads that name no person"


def lead_labels(status: PeriodStatus, item: Item) -> list[str]:
    """The headings an action is listed under in the chair's email: each person its leads
    name, saying who cannot be emailed."""
    if not item.leads:
        return [NO_PERSON]
    labels = []
    for lead in item.leads:
        note = status.lead_note(lead, item)
        labels.append(f"{lead.name} ({note})" if note else lead.name)
    return labels


def reachable(status: PeriodStatus, user_id: int) -> bool:
    member = status.members.get(user_id)
    return member is not None and member.reachable


# Sending


SENT, FAILED, TAKEN = "sent", "failed", "taken"


def deliver(email: Email, status: PeriodStatus, *, connection) -> str:
    """Claim the email's row, then send it: SENT, FAILED (recorded, tried again by the next
    run) or TAKEN (an earlier run, or one running now, has it: nothing is sent)."""
    try:
        reminder = claim(email, status)
    except ValidationError as error:  # e.g. an address that is not one: nothing to record
        logger.warning("Not sending %s to %s: %s", email.kind, email.address, error)
        return FAILED
    if reminder is None:
        return TAKEN
    message = EmailMultiAlternatives(
        email.subject,
        email.text,
        settings.DEFAULT_FROM_EMAIL,
        [email.address],
        connection=connection,
    )
    message.attach_alternative(email.html, "text/html")
    try:
        message.send()
    except Exception as error:  # one email that fails must not stop the others
        logger.exception("Could not send %s", reminder)
        reminder.status, reminder.error = Status.FAILED, (str(error) or type(error).__name__)[:300]
        reminder.save(update_fields=["status", "error"])
        return FAILED
    reminder.status, reminder.sent_at = Status.SENT, timezone.now()
    reminder.save(update_fields=["status", "sent_at"])
    return SENT


def claim(email: Email, status: PeriodStatus) -> Reminder | None:
    """The email's row, committed before anything is sent, or None if it is taken. The unique
    constraint decides between two runs at once: the second insert waits for the first's
    transaction and then fails. A row whose send failed is taken back the same way, by one
    update that only one run can make."""
    meeting = status.meeting
    reminder = Reminder(meeting=meeting, recipient=email.user, kind=email.kind, email=email.address)
    # The database checks the unique constraint; checking it here too would only race.
    reminder.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            reminder.save()
            reminder.actions.set(email.action_ids)
            return reminder
    except IntegrityError:
        pass
    with transaction.atomic():
        retried = Reminder.objects.filter(
            meeting=meeting, recipient=email.user, kind=email.kind, status=Status.FAILED
        ).update(status=Status.SENDING, error="", email=email.address, created_at=timezone.now())
        if not retried:
            return None
        reminder = Reminder.objects.get(meeting=meeting, recipient=email.user, kind=email.kind)
        reminder.actions.set(email.action_ids)
        return reminder
