"""What every editing page does the same way: find the object for staff, save a form
without losing someone else's change, confirm a delete and offer its undo, move in a list."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import models, transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.views.decorators.http import require_http_methods

from actions.models import Action, Risk, Step
from front.access import access_for, object_in_partnership
from front.forms.base import MoveForm
from plans.models import Outcome, Plan, Priority, RagRating, Theme
from plans.staff_writes import (
    StaleEdit,
    live_descendant_counts,
    move,
    move_to,
    renumber,
    renumbering,
    save_if_current,
    siblings,
    soft_delete,
)

FORM_TEMPLATE = "plans/edit/form_page.html"
# The numbered lists staff may renumber after a move, and where.
RENUMBER_URLS = {
    Priority: "plans:priority_renumber",
    Outcome: "plans:outcome_renumber",
    Action: "actions:renumber",
}
CONFIRM_TEMPLATE = "plans/edit/confirm_delete.html"

# What staff can delete and restore, by its kind in URLs and messages (Tracked.kind_name).
DELETABLE = {
    model.kind_name(): model
    for model in (Plan, Priority, Outcome, Action, Step, Risk, Theme, RagRating)
}


def posted(request):
    """The form data of a POST (even an empty one), else None: the form is unbound on GET."""
    return request.POST if request.method == "POST" else None


def staff_access(request, slug):
    access = access_for(request, slug)
    access.require_edit()
    return access


def staff_object(request, slug, queryset, pk):
    """(access, obj) for an object of queryset in the user's partnership: 404 elsewhere,
    403 unless the user is business support staff."""
    access = access_for(request, slug)
    obj = object_in_partnership(access, queryset, pk)
    access.require_edit()
    return access, obj


def staff_view(queryset=None, *, methods=("GET", "POST")):
    """Make view(request, access[, obj], ...) a view for signed-in business support staff,
    answering only the given methods. It gets the user's access in place of the URL's slug
    and, given a queryset, the object of it the URL's pk names in place of the pk (404 in
    another partnership, 403 unless staff: staff_object)."""

    def decorate(view):
        @login_required
        @require_http_methods(list(methods))
        @wraps(view)
        def staff_only(request, slug, **kwargs):
            if queryset is None:
                return view(request, staff_access(request, slug), **kwargs)
            pk = kwargs.pop("pk")
            return view(request, *staff_object(request, slug, queryset, pk), **kwargs)

        return staff_only

    return decorate


def describe(obj) -> str:
    """The object in words, e.g. 'action 1.2', 'step B.' or 'plan “ESS work plan 2024-25”'."""
    kind = obj.kind_name()
    number = getattr(obj, "number", "")
    if kind in ("priority", "outcome", "action", "risk") and number:
        return f"{kind} {number}"
    if kind == "step" and obj.label:
        return f"step {obj.label}"
    text = str(obj)
    return f"{kind} “{text if len(text) <= 60 else text[:59] + '…'}”"


def page_of(obj, slug) -> str:
    """Where an object is seen: the page to return to after changing or restoring it."""
    return obj.url_in(slug)


def parent_page(obj, slug) -> str:
    """Where to go once an object is deleted: the page of what it sat in."""
    return obj.parent_url_in(slug)


def saved_values(form, obj) -> list[tuple[str, str]]:
    """The form's fields as they are saved now on obj, in words, for a refused stale save."""
    rows = []
    model_fields = {field.name for field in obj._meta.get_fields()}
    for name, field in form.fields.items():
        if name in ("version", "loaded") or name not in model_fields:
            continue
        model_field = obj._meta.get_field(name)
        if isinstance(model_field, models.ManyToManyField):
            related = getattr(obj, name)
            related = related.live() if hasattr(related, "live") else related.all()
            value = "; ".join(str(v) for v in related)
        elif model_field.choices:
            value = getattr(obj, f"get_{name}_display")()
        else:
            value = getattr(obj, name)
            if hasattr(value, "isoformat"):
                value = date_format(value, "j F Y")
        label = str(field.label).removesuffix(" (optional)")
        rows.append((label, "" if value is None else str(value)))
    return rows


def save_form(form, *, before_save=None, after_save=None):
    """Save a valid EditForm: new objects plainly, edits only if still current (StaleEdit)."""
    with transaction.atomic():
        obj = form.save(commit=False)
        if before_save:
            before_save(obj)
        if obj.pk is None:
            obj.save()
        else:
            save_if_current(obj, form.cleaned_data["version"])
        form.save_m2m()
        if after_save:
            after_save(obj)
    return obj


def refuse_stale(form, stale: StaleEdit, noun: str) -> list[tuple[str, str]]:
    """Keep the user's input, say why nothing was saved, and arm the form to overwrite if
    they save again having seen what is saved now."""
    current = stale.current
    if getattr(current, "deleted_at", None):
        form.add_error(
            None,
            f"Someone deleted this {noun} after you opened it, so nothing was saved. "
            "It can be restored from Recently deleted in Settings.",
        )
        return []
    form.add_error(
        None,
        f"Someone else changed this {noun} after you opened it, so nothing was saved. "
        "Compare what is saved now with your version below; to keep yours, save again.",
    )
    form.data = form.data.copy()
    if "version" in form.fields:
        form.data[form.add_prefix("version")] = current.version
    else:
        form.data[form.add_prefix("loaded")] = form.state_hash(current)
    return saved_values(form, current)


def save_unless_stale(form, context, save):
    """save_if_as_loaded (a new object: save()), returning what save() returns; or None, with
    the form refused as stale (refuse_stale) and what is saved now in context["saved_now"]."""
    if "loaded" not in form.fields:
        return save()
    try:
        return save_if_as_loaded(form, save)
    except StaleEdit as stale:
        context["saved_now"] = refuse_stale(form, stale, context.get("noun") or "page")
        return None


def save_if_as_loaded(form, save):
    """Run save() only if the object the form edits (a LoadedStateForm) still holds what the
    form showed when it was loaded; else raise StaleEdit with what it holds now, and save
    nothing. The row is locked from the check to the end of the save."""
    with transaction.atomic():
        edited = form.edited()
        current = type(edited)._default_manager.select_for_update().get(pk=edited.pk)
        if form.state_hash(current) != form.cleaned_data["loaded"]:
            raise StaleEdit(current)
        return save()


def form_page(
    request,
    form,
    context,
    *,
    saved=None,
    next_step="",
    redirect_to=None,
    before_save=None,
    after_save=None,
    template=FORM_TEMPLATE,
):
    """GET shows the form; a valid POST saves it, says so and redirects; otherwise the form
    is shown again with its errors and everything the user typed.

    saved(obj) is the success message: unless given, "Added action 1.2." or "Saved action
    1.2.", then next_step (what the user might do next) if any. redirect_to(obj) is the
    address to go to next (the page the object is seen on unless given). An edit's Cancel
    goes back to that page unless the context says where.
    """
    slug = context["partnership"].slug
    adding = form.instance.pk is None
    verb = "Added" if adding else "Saved"
    saved = saved or (lambda obj: f"{verb} {describe(obj)}. {next_step}".strip())
    redirect_to = redirect_to or (lambda obj: page_of(obj, slug))
    if not (adding or context.get("cancel_url")):
        context["cancel_url"] = page_of(form.instance, slug)
    if request.method == "POST" and form.is_valid():
        try:
            obj = save_form(form, before_save=before_save, after_save=after_save)
        except StaleEdit as stale:
            noun = context.get("noun") or form.instance.kind_name()
            context["saved_now"] = refuse_stale(form, stale, noun)
        else:
            messages.success(request, saved(obj))
            return redirect(redirect_to(obj))
    return render(request, template, {**context, "form": form})


def delete_page(request, obj, access, context, *, redirect_to=None):
    """GET asks for confirmation (saying what goes with it); POST soft-deletes and offers
    an undo in the success message."""
    slug = access.partnership.slug
    if request.method == "POST":
        what = describe(obj)
        counts = live_descendant_counts(obj)
        soft_delete(obj)
        undo = reverse("plans:restore", args=[slug, obj.kind_name(), obj.pk])
        messages.success(
            request,
            f"Deleted the {what}{and_counts(counts)}.",
            extra_tags=f"undo {undo}",
        )
        return redirect(redirect_to or parent_page(obj, slug))
    counts = live_descendant_counts(obj)
    return render(
        request,
        CONFIRM_TEMPLATE,
        {
            **context,
            "access": access,
            "partnership": access.partnership,
            "object": obj,
            "what": describe(obj),
            "counts": counts,
            "and_counts": and_counts(counts),
            "cancel_url": context.get("cancel_url") or page_of(obj, slug),
        },
    )


def and_counts(counts) -> str:
    if not counts:
        return ""
    words = [str(c) for c in counts]
    listed = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
    return f" and its {listed}"


def move_and_return(request, obj, access, *, back_to=None):
    """POST: move obj up or down its list, or to the place chosen (place: 1 is first), then go
    back to the page it is shown on, offering to renumber the list if the move left its
    numbers out of order."""
    direction, place = request.POST.get("direction"), request.POST.get("place", "")
    if place.isdigit() and move_to(obj, int(place)):
        moved(request, obj, access, f"Moved {describe(obj)} {where_now(obj)}.")
    elif place.isdigit():
        messages.info(request, f"The {describe(obj)} is already there.")
    elif direction not in ("up", "down"):
        messages.error(request, "Choose to move it up or down.")
    elif not move(obj, direction):
        messages.info(request, f"It is already {'first' if direction == 'up' else 'last'}.")
    else:
        moved(request, obj, access, f"Moved {describe(obj)} {direction}.")
    return redirect(back_to or page_of(obj, access.partnership.slug))


def where_now(obj) -> str:
    """Where obj sits in its list: "to the top", or "to after action 1.2"."""
    items = list(siblings(obj))
    index = next(i for i, item in enumerate(items) if item.pk == obj.pk)
    return f"to after {describe(items[index - 1])}" if index else "to the top"


def in_words(obj) -> str:
    """An object of a list, as the move page offers it: "action 1.2: Hold focus groups…"."""
    words, text = describe(obj), getattr(obj, "text", "")
    numbered = getattr(obj, "number", "") or getattr(obj, "label", "")
    return f"{words}: {Truncator(text).words(8)}" if numbered and text else words


def moved(request, obj, access, words: str) -> None:
    """Say what moved; if its list's numbers are now out of order, offer to renumber them."""
    url_name = RENUMBER_URLS.get(type(obj))
    offer = renumbering(obj) if url_name else None
    if offer is None:
        messages.success(request, words)
        return
    now, new = offer
    url = reverse(url_name, args=[access.partnership.slug, obj.pk])
    messages.success(
        request,
        f"{words} The numbers now read {', '.join(now)}: renumber them {', '.join(new)}?",
        extra_tags=f"renumber {url}",
    )


def delete_view(queryset, crumbs=None, **words):
    """The view that deletes an object of queryset (staff only): a page that asks "Delete
    action 1.2?", then a soft delete with an undo. crumbs(access, obj) gives the page's
    breadcrumbs (none unless given); words go to page_context, e.g. consequences."""

    @staff_view(queryset)
    def delete_object(request, access, obj):
        context = page_context(
            access,
            title=f"Delete {describe(obj)}?",
            crumbs=crumbs(access, obj) if crumbs else (),
            **words,
        )
        return delete_page(request, obj, access, context)

    return delete_object


def move_view(queryset, back_to=None):
    """The view that moves an object of queryset in its list (staff only): GET asks where to
    (first, or after which of the others); POST moves it there, or up or down one place (the
    plan page's buttons), then goes back to the page it is shown on (back_to(access, obj), if
    given)."""

    @staff_view(queryset)
    def move_object(request, access, obj):
        back = back_to(access, obj) if back_to else None
        if request.method == "POST":
            return move_and_return(request, obj, access, back_to=back)
        form = MoveForm(items=list(siblings(obj)), obj=obj, describe=in_words)
        context = page_context(
            access,
            title=f"Move {describe(obj)}",
            cancel_url=back or page_of(obj, access.partnership.slug),
            submit_label="Move",
        )
        return render(request, FORM_TEMPLATE, {**context, "form": form})

    return move_object


def renumber_view(queryset, back_to=None):
    """The view that renumbers an object's list in its order (staff only, POST), as offered
    after a move left its numbers out of order."""

    @staff_view(queryset, methods=["POST"])
    def renumber_list(request, access, obj):
        changed = renumber(obj)
        if changed:
            words = ", ".join(f"{was} is now {now}" for was, now in changed)
            messages.success(request, f"Renumbered: {words}.")
        else:
            messages.info(request, "The numbers are in order already.")
        return redirect(back_to(access, obj) if back_to else page_of(obj, access.partnership.slug))

    return renumber_list


def page_context(
    access,
    *,
    title,
    noun=None,
    cancel_url=None,
    crumbs=(),
    submit_label="Save changes",
    nav="nav_dashboard",
    **extra,
):
    """What the form and confirmation templates need; crumbs are (text, url) pairs. The noun
    (what a refused save calls the object) is its kind's unless given."""
    return {
        "access": access,
        "partnership": access.partnership,
        "title": title,
        "noun": noun,
        "cancel_url": cancel_url,
        "crumbs": crumbs,
        "submit_label": submit_label,
        nav: True,
        **extra,
    }


def in_plan(access, plan, **words):
    """page_context for a page about part of a plan: the plan above the heading and in the
    breadcrumbs."""
    words.setdefault("caption", plan.full_title)
    words.setdefault("crumbs", plan_crumbs(access, plan))
    return page_context(access, **words)


def plan_crumbs(access, plan=None) -> list[tuple[str, str]]:
    slug = access.partnership.slug
    crumbs = [("Dashboard", reverse("plans:dashboard", args=[slug]))]
    if plan is not None:
        crumbs.append((plan.title, reverse("plans:plan", args=[slug, plan.pk])))
    return crumbs
