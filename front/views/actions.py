from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from actions.history import change_log
from actions.models import ProgressUpdate, latest_measure_values
from actions.progress import record_progress
from actions.queries import actions_for_display, partnership_actions, ratings_by_id
from actions.review import returned_to
from actions.update_history import NEWEST_FIRST
from front import drafts
from front.access import access_for, action_for_user
from front.edit_pages import FORM_TEMPLATE
from front.filters import ActionFilter
from front.forms.actions import MeasureValueForm, ProgressUpdateForm
from front.views.action_editing import in_action
from plans.permissions import needs_review
from reporting.locks import lock_note
from reporting.models import Meeting
from reporting.update_cycle import to_do_for

PAGE_SIZE = 50


@login_required
@require_GET
def action_list(request, slug):
    """Every action across the partnership's plans, filtered by the URL's query."""
    access = access_for(request, slug)
    partnership = access.partnership
    filterset = ActionFilter(
        request.GET or None,
        queryset=partnership_actions(partnership),
        partnership=partnership,
    )
    queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    page = Paginator(
        queryset.order_by("outcome__plan__title", "outcome__position", "position", "pk"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "actions/action_list.html",
        {
            "access": access,
            "partnership": partnership,
            "filter": filterset,
            "page": page,
            "actions": actions_for_display(page.object_list, ratings_by_id(partnership)),
            "query": query.urlencode(),
            "nav_actions": True,
        },
    )


@login_required
@require_GET
def action_detail(request, slug, pk):
    access, action = action_for_user(request, slug, pk)
    action = actions_for_display(
        partnership_actions(access.partnership).filter(pk=action.pk),
        ratings_by_id(access.partnership),
        with_leads=True,
    )[0]
    updates = (
        ProgressUpdate.objects.filter(action=action)
        .select_related("rating", "author", "reviewed_by")
        .order_by(*NEWEST_FIRST)
    )
    can_update = access.can_update(action)
    latest_measure_values([action])
    return render(
        request,
        "actions/action_detail.html",
        {
            "access": access,
            "partnership": access.partnership,
            "plan": action.outcome.plan,
            "action": action,
            "updates": updates,
            "changes": change_log(action),
            "can_update": can_update,
            "can_review": access.can_review(action.outcome.plan),
            # The viewer's own update the chair returned, until the action has a newer one.
            "returned": returned_to(access).filter(action=action).first() if can_update else None,
            "nav_dashboard": True,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def measure_value(request, slug, pk):
    """The latest figure or evidence for one of the action's outcome measures: given by those
    who may update the action."""
    access, action = action_for_user(request, slug, pk, update=True)
    if not action.outcome_measures.strip():
        raise Http404("This action has no outcome measures")
    form = MeasureValueForm(request.POST or None, action=action)
    if request.method == "POST" and form.is_valid():
        value = form.save(commit=False)
        value.author = request.user
        value.save()
        messages.success(request, f"Saved the latest for “{value.measure}”.")
        return redirect(action.url_in(slug))
    context = in_action(
        access,
        action,
        title=f"Give a measure's latest for action {action.number}".strip(),
        cancel_url=action.url_in(slug),
        submit_label="Save",
    )
    return render(request, FORM_TEMPLATE, {**context, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def progress_update(request, slug, pk):
    """The chair's two-minute form: rating, commentary, evidence, date."""
    access, action = action_for_user(request, slug, pk, update=True)
    plan = action.outcome.plan
    # What was typed before the session ended (front.drafts), given back to check and save.
    draft = drafts.take(request) if request.method == "GET" else None
    form = ProgressUpdateForm(request.POST or draft, action=action)
    if draft is not None:
        form.is_valid()  # checked as if sent: what is missing or wrong is said at once
    meeting = to_do_meeting(request, access)
    if request.method == "POST" and form.is_valid():
        update = record_progress(
            action=action,
            author=request.user,
            standing=access.standing(action.outcome.plan),
            **form.cleaned_data,
        )
        number = action.number or action
        if update.status == ProgressUpdate.Status.SUBMITTED:
            saved = (
                f"Update sent for review for action {number}: it rates the action once the "
                f"chair of {plan.group.name} (or business support staff) accepts it."
            )
        else:
            saved = f"Update saved for action {number}."
        # A correction about a day a locked pack covers: saved, but that pack stays as it is.
        note = lock_note(plan, update.reported_on)
        if meeting is not None:
            return to_do_next(request, access, meeting, action, f"{saved} {note}".strip())
        messages.success(request, f"{saved} {note}".strip())
        if request.POST.get("next_page") == "plan":
            return redirect(f"{plan.get_absolute_url()}#action-{action.pk}")
        return redirect(action.get_absolute_url())
    # Warn before saving when the date shown (today, or the one typed) is in a locked pack.
    day = form.cleaned_data.get("reported_on") if form.is_bound else None
    return render(
        request,
        "actions/progress_form.html",
        {
            "access": access,
            "partnership": access.partnership,
            "plan": plan,
            "action": action,
            "form": form,
            # The last update the form follows (the one that rates the action), in full.
            "current": form.current,
            # A lead's update waits for the chair's review: the button says where it goes.
            "submit_label": (
                "Send to the chair for review"
                if needs_review(access.standing(plan))
                else "Save update"
            ),
            "returned": returned_to(access).filter(action=action).first(),
            "lock_note": lock_note(plan, day or timezone.localdate()),
            "next_page": request.GET.get("from", request.POST.get("next_page", "")),
            "meeting": meeting,
            "draft_given_back": draft is not None,
            "nav_updates" if meeting else "nav_dashboard": True,
        },
    )


def to_do_meeting(request, access) -> Meeting | None:
    """The meeting whose to-do list the update form was opened from, if any (?meeting=, or
    the form's own field): a meeting of the user's partnership, else none."""
    value = request.POST.get("meeting") or request.GET.get("meeting") or ""
    if not value.isdigit() or len(value) > 12:
        return None
    meetings = Meeting.objects.filter(group__partnership=access.partnership)
    return meetings.select_related("group").filter(pk=int(value)).first()


def to_do_next(request, access, meeting, action, saved: str):
    """After an update given from the to-do list: "Save and go to the next" opens the next
    action still to do for the meeting; otherwise, or when none is left, back to the list.
    saved: what the banner says of the update."""
    slug = access.partnership.slug
    if request.POST.get("then") == "next":
        following = to_do_for(meeting, request.user).next_after(action.pk)
        if following is not None:
            messages.success(request, saved)
            url = reverse("actions:update", args=[slug, following.action.pk])
            return redirect(f"{url}?meeting={meeting.pk}")
        saved += f" Nothing else is left to do for {meeting}."
    messages.success(request, saved)
    return redirect(f"{reverse('reporting:my_updates', args=[slug])}#todo-{meeting.pk}")
