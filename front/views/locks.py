"""Staff lock a meeting's period (after a page saying what that does), and unlock it with a
reason. The rules are in reporting.locks."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from actions.models import ProgressUpdate
from front.access import meeting_for_user
from front.forms.base import GovukForm
from reporting.locks import LockRefused, lock_meeting, locked_by_words, unlock_meeting
from reporting.packs import plans_for_meeting

GET_POST = ["GET", "POST"]


class UnlockForm(GovukForm, forms.Form):
    reason = forms.CharField(
        label="Why does the pack need to be unlocked?",
        help_text="For example, a rating entered against the wrong action. It is kept in the "
        "audit log with your name.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why the pack needs to be unlocked"},
    )


@login_required
@require_http_methods(GET_POST)
def meeting_lock(request, slug, pk):
    """GET: what locking does, and a button; POST: lock, and make and keep the files."""
    access, meeting = meeting_for_user(request, slug, pk, edit=True)
    if meeting.locked:
        messages.info(
            request, f"This meeting's pack is already locked. {locked_by_words(meeting)}."
        )
        return redirect("reporting:meeting", slug, meeting.pk)
    if request.method == "POST":
        try:
            lock_meeting(meeting=meeting, user=request.user, request=request)
        except LockRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(
                request,
                f"Locked the pack of {meeting}. Its PDF and Excel files are made and kept: "
                "every download of this meeting's pack gets them, unchanged.",
            )
        return redirect("reporting:meeting", slug, meeting.pk)
    waiting = (
        ProgressUpdate.objects.of_live_actions()
        .filter(
            status=ProgressUpdate.Status.SUBMITTED,
            action__outcome__plan__in=plans_for_meeting(meeting),
        )
        .count()
    )
    return render(
        request,
        "reporting/lock_confirm.html",
        {
            "access": access,
            "partnership": access.partnership,
            "meeting": meeting,
            "waiting": waiting,
            "nav_meetings": True,
        },
    )


@login_required
@require_http_methods(GET_POST)
def meeting_unlock(request, slug, pk):
    """GET: the reason to give; POST: unlock (the kept files stay)."""
    access, meeting = meeting_for_user(request, slug, pk, edit=True)
    if not meeting.locked:
        messages.info(request, "This meeting's pack is not locked.")
        return redirect("reporting:meeting", slug, meeting.pk)
    form = UnlockForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            unlock_meeting(
                meeting=meeting,
                user=request.user,
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except LockRefused as refused:
            messages.error(request, str(refused))
            return redirect("reporting:meeting", slug, meeting.pk)
        except ValidationError as invalid:
            form.add_error(None, invalid)
        else:
            messages.success(
                request,
                f"Unlocked the pack of {meeting}. The files kept at the lock stay on this page; "
                "until it is locked again, the pack rates each action as at the end of the "
                "meeting day.",
            )
            return redirect("reporting:meeting", slug, meeting.pk)
    return render(
        request,
        "reporting/unlock_form.html",
        {
            "access": access,
            "partnership": access.partnership,
            "meeting": meeting,
            "form": form,
            "locked_by": locked_by_words(meeting),
            "nav_meetings": True,
        },
    )
