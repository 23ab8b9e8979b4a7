"""The update cycle's staff pages: the year's meetings from a list of dates, and the live
board of updates received and outstanding for a meeting."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from front.access import access_for, meeting_for_user
from front.edit_pages import posted, staff_view
from front.forms.meetings import CalendarForm
from front.views.meetings import meeting_page_context
from reporting import cycle_rules
from reporting.reminders import plural
from reporting.update_cycle import add_meetings, period_status, to_do_lists


@staff_view()
def meeting_calendar(request, access):
    """Staff paste a group's dates for the year: every one becomes a meeting, or none does."""
    form = CalendarForm(posted(request), partnership=access.partnership)
    if request.method == "POST" and form.is_valid():
        group = form.cleaned_data["group"]
        try:
            meetings = add_meetings(group=group, dates=form.meeting_dates)
        except ValidationError as error:  # a meeting added by someone else meanwhile
            form.add_error("dates", error.messages)
        else:
            first, last = meetings[0].held_on, meetings[-1].held_on
            if len(meetings) == 1:
                text = f"Added the {group.name} meeting on {first:%-d %B %Y}."
            else:
                text = (
                    f"Added {len(meetings)} meetings of the {group.name}, from "
                    f"{first:%-d %B %Y} to {last:%-d %B %Y}."
                )
            messages.success(request, text)
            return redirect("reporting:meetings", access.partnership.slug)
    context = meeting_page_context(
        access, title="Add the year's meetings", submit_label="Add meetings"
    )
    return render(request, "reporting/meeting_calendar.html", {**context, "form": form})


@login_required
@require_GET
def my_updates(request, slug):
    """The user's to-do list: for each meeting whose updates are open, the actions they are
    asked for (as a lead, or as the chair when no lead can be), each with where it stands."""
    access = access_for(request, slug)
    lists = to_do_lists(access.partnership, request.user, timezone.localdate())
    return render(
        request,
        "reporting/my_updates.html",
        {
            "access": access,
            "partnership": access.partnership,
            "lists": lists,
            # The meetings whose board of everyone's updates the user may read.
            "boards": {
                todo.meeting.pk
                for todo in lists
                if access.can_edit or access.chairs(todo.meeting.group)
            },
            "Task": cycle_rules.Task,
            "nav_updates": True,
        },
    )


@login_required
@require_GET
def meeting_updates(request, slug, pk):
    """The meeting's period as it stands: updates received and outstanding by group and by
    lead, each outstanding action, and the reminders sent. For business support staff, who
    chase the leads, and for the chairs of the meeting's group, to read."""
    access, meeting = meeting_for_user(request, slug, pk)
    access.require_board_reader(meeting.group)
    status = period_status(meeting)
    today = timezone.localdate()
    period = status.period
    meeting_url = reverse("reporting:meeting", args=[slug, meeting.pk])
    return render(
        request,
        "reporting/meeting_updates.html",
        {
            "access": access,
            "partnership": access.partnership,
            "meeting": meeting,
            "status": status,
            "period": period,
            "stage": stage(meeting, period, today, status.partnership.reminder_days),
            "default_dates": meeting.updates_open_on is None or meeting.updates_due_on is None,
            "outstanding": [
                (item, ", ".join(status.name_of(u) for u in item.owed.user_ids))
                for item in status.outstanding
            ],
            "crumbs": [
                ("Meetings", reverse("reporting:meetings", args=[slug])),
                (str(meeting), meeting_url),
            ],
            "nav_meetings": True,
        },
    )


def stage(meeting, period: cycle_rules.Period, today, reminder_days: int) -> str:
    """Where the period stands today, in words."""
    if meeting.locked:
        return "Locked: the pack is made, and later updates do not change it."
    if today < period.opens:
        return f"Not open yet: leads are first emailed on {period.opens:%-d %B %Y}."
    if today >= period.meeting:
        return "The meeting has been held."
    notice = cycle_rules.notice_due(today, period, reminder_days=reminder_days)
    if notice == cycle_rules.MISSING:
        return "The deadline has passed: the chairs are sent the list of missing updates."
    days = (period.due - today).days
    left = "due today" if days == 0 else f"due in {plural(days, 'day')}"
    if notice == cycle_rules.DEADLINE:
        return f"Open, {left}: leads still to update are being reminded."
    return f"Open, {left}."
