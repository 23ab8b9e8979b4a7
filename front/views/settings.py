"""Staff settings of a partnership: themes, RAG ratings, groups, and what was deleted."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from front.access import object_in_partnership
from front.edit_pages import (
    DELETABLE,
    FORM_TEMPLATE,
    and_counts,
    delete_page,
    describe,
    form_page,
    move_view,
    page_context,
    page_of,
    posted,
    save_unless_stale,
    staff_view,
)
from front.forms.plans import (
    GroupForm,
    MarkingForm,
    RatingForm,
    SingleSignOnForm,
    ThemeForm,
    UpdateCycleForm,
)
from plans.models import Group, RagRating, Theme
from plans.staff_writes import Counted, RestoreRefused, ancestors, place_at_end
from plans.staff_writes import restore as restore_obj

THEMES = Theme.objects.live()
RATINGS = RagRating.objects.live()
GROUPS = Group.objects.live()
SECTIONS = [
    ("themes", "Cross-cutting themes", "The themes actions are tagged with."),
    ("ratings", "RAG ratings", "The partnership's own ratings, their definitions and colours."),
    ("groups", "Groups", "The board, subgroups and task groups, and the names plans use for them."),
    (
        "leads",
        "Lead records",
        "The people, posts, agencies and groups leads are linked to: rename or merge them.",
    ),
    ("members", "Members", "Who can sign in, their role and their groups."),
    (
        "cycle",
        "Update cycle",
        "When leads are asked for updates before each meeting, and reminded.",
    ),
    ("marking", "Protective marking", "The marking at the top and bottom of every pack page."),
    (
        "sign_in",
        "Single sign-on",
        "Whether members may sign in with their organisation's account.",
    ),
    (
        "deleted",
        "Recently deleted",
        "Plans, actions, risks and more that were deleted: restore them from here.",
    ),
    ("audit", "Audit log", "Sign-ins, refusals, downloads, imports and every change to content."),
]


def settings_context(access, section, **kwargs):
    """Page context for a settings page; section names the sub-navigation item."""
    slug = access.partnership.slug
    crumbs = [("Settings", reverse("plans:settings", args=[slug]))]
    if section:
        title = dict((key, text) for key, text, _ in SECTIONS)[section]
        crumbs.append((title, reverse(f"plans:{section}", args=[slug])))
    kwargs.setdefault("noun", section)
    kwargs.setdefault("cancel_url", crumbs[-1][1])
    return page_context(access, crumbs=crumbs, nav="nav_settings", section=section, **kwargs)


def list_page(request, access, section, template, **extra):
    """A settings section's own page: its breadcrumbs end at Settings."""
    title = dict((key, text) for key, text, _ in SECTIONS)[section]
    context = settings_context(access, section, title=title, sections=SECTIONS, **extra)
    context["crumbs"] = context["crumbs"][:-1]
    return render(request, f"plans/edit/{template}", context)


@staff_view(methods=["GET"])
def settings_home(request, access):
    context = settings_context(access, None, title="Settings", sections=SECTIONS)
    context["crumbs"] = [("Dashboard", reverse("plans:dashboard", args=[access.partnership.slug]))]
    return render(request, "plans/edit/settings.html", context)


# Themes


@staff_view(methods=["GET"])
def theme_list(request, access):
    themes = Theme.objects.live().for_partnership(access.partnership)
    return list_page(request, access, "themes", "themes.html", themes=themes)


def theme_saved(verb):
    return lambda theme: f"{verb} the theme {theme.code}) {theme.name}."


@staff_view()
def theme_create(request, access):
    form = ThemeForm(posted(request), partnership=access.partnership)
    context = settings_context(access, "themes", title="Add a theme", submit_label="Add theme")
    return form_page(request, form, context, saved=theme_saved("Added"), before_save=place_at_end)


@staff_view(THEMES)
def theme_edit(request, access, theme):
    form = ThemeForm(posted(request), instance=theme, partnership=access.partnership)
    context = settings_context(access, "themes", title=f"Edit theme {theme.code}")
    return form_page(request, form, context, saved=theme_saved("Saved"))


@staff_view(THEMES)
def theme_delete(request, access, theme):
    tagged = theme.actions.live().count()
    context = settings_context(
        access,
        "themes",
        title=f"Delete theme {theme.code}?",
        consequences=f"It is tagged on {tagged} action{'s' if tagged != 1 else ''}. The tags "
        "are hidden while it is deleted and come back if it is restored.",
    )
    return delete_page(request, theme, access, context)


# RAG ratings


@staff_view(methods=["GET"])
def rating_list(request, access):
    ratings = RagRating.objects.live().for_partnership(access.partnership)
    return list_page(request, access, "ratings", "ratings.html", ratings=ratings)


def preview(label: str, colour: str, *, saved: bool) -> dict:
    return {
        "label": label,
        "colour": colour,
        "text_colour": RagRating(colour=colour).text_colour,
        "width": 16 + 10 * len(label),
        "saved": saved,
    }


def rating_page(request, access, form, context):
    """The rating form, with a preview of its tag: as saved, or as typed (Preview colour)."""
    context["preview_button"] = True
    if request.method == "POST" and "preview" in request.POST:
        if form.is_valid():
            data = form.cleaned_data
            context["preview"] = preview(data["label"], data["colour"], saved=False)
        return render(request, FORM_TEMPLATE, {**context, "form": form})
    return form_page(
        request,
        form,
        context,
        saved=lambda rating: f"Saved the rating {rating.label}.",
    )


@staff_view()
def rating_create(request, access):
    form = RatingForm(posted(request), partnership=access.partnership)
    place_at_end(form.instance)
    context = settings_context(access, "ratings", title="Add a rating", submit_label="Add rating")
    return rating_page(request, access, form, context)


@staff_view(RATINGS)
def rating_edit(request, access, rating):
    context = settings_context(access, "ratings", title=f"Edit rating {rating.label}")
    context["preview"] = preview(rating.label, rating.colour, saved=True)  # before the form
    form = RatingForm(posted(request), instance=rating, partnership=access.partnership)
    return rating_page(request, access, form, context)


@staff_view(RATINGS)
def rating_delete(request, access, rating):
    updates, risks = rating.updates.count(), rating.risks.count()
    if updates or risks:
        consequences = (
            f"{updates} progress update{'s' if updates != 1 else ''} and {risks} "
            f"risk{'s' if risks != 1 else ''} use it: they keep it, but it is no longer "
            "offered for new updates."
        )
    else:
        consequences = "No progress update uses it."
    context = settings_context(
        access, "ratings", title=f"Delete rating {rating.label}?", consequences=consequences
    )
    return delete_page(request, rating, access, context)


rating_move = move_view(RATINGS)


# Groups


@staff_view(methods=["GET"])
def group_list(request, access):
    groups = Group.objects.live().for_partnership(access.partnership)
    return list_page(request, access, "groups", "groups.html", groups=groups)


@staff_view()
def group_create(request, access):
    form = GroupForm(posted(request), partnership=access.partnership)
    context = settings_context(access, "groups", title="Add a group", submit_label="Add group")
    return group_page(request, form, context, "Added")


@staff_view(GROUPS)
def group_edit(request, access, group):
    form = GroupForm(posted(request), instance=group, partnership=access.partnership)
    context = settings_context(access, "groups", title=f"Edit {group.name}")
    return group_page(request, form, context, "Saved")


def group_page(request, form, context, verb):
    """A group's form: the group is seen in the list of groups, so it goes back there."""
    groups = reverse("plans:groups", args=[context["partnership"].slug])
    return form_page(
        request,
        form,
        context,
        saved=lambda group: f"{verb} the group {group.name}.",
        redirect_to=lambda group: groups,
    )


# The update cycle


def partnership_settings(request, access, form_class, *, section: str, noun: str):
    """A settings page that edits fields of the partnership itself: its form, saved unless
    someone saved it since it was opened, then back to the page."""
    form = form_class(posted(request), instance=access.partnership)
    context = {"noun": noun}
    if request.method == "POST" and form.is_valid():

        def save():
            form.instance.save(update_fields=[name for name in form.fields if name != "loaded"])
            return form.instance

        if save_unless_stale(form, context, save):
            messages.success(request, f"Saved the {noun}.")
            return redirect(f"plans:{section}", access.partnership.slug)
    return list_page(
        request, access, section, f"{section}.html", form=form, submit_label="Save", **context
    )


@staff_view()
def update_cycle(request, access):
    """The partnership's numbers of days for every meeting's period (reporting.cycle_rules)."""
    return partnership_settings(
        request, access, UpdateCycleForm, section="cycle", noun="update cycle"
    )


@staff_view()
def marking(request, access):
    """The protective marking of the partnership's packs."""
    return partnership_settings(
        request, access, MarkingForm, section="marking", noun="protective marking"
    )


@staff_view()
def sign_in(request, access):
    """Whether the partnership's members may use the deployment's single sign-on."""
    return partnership_settings(
        request, access, SingleSignOnForm, section="sign_in", noun="single sign-on setting"
    )


# Recently deleted


@dataclass
class Deleted:
    kind: str
    obj: object
    what: str
    counts: list = field(default_factory=list)

    @property
    def where(self) -> str:
        """The plan it belongs to and, below that, what it sat in."""
        parents = ancestors(self.obj)
        if not parents:
            return ""
        plan = str(parents[-1])
        return plan if len(parents) == 1 else f"{plan} › {describe(parents[0])}"

    @property
    def and_counts(self) -> str:
        return and_counts(self.counts)

    @property
    def detail(self) -> str:
        """Its text, where its description gives only a number."""
        return "" if "“" in self.what else str(self.obj)

    @property
    def blocked_by(self) -> str:
        """What it sits in that is deleted too (and must be restored first), in words."""
        parent = next((p for p in ancestors(self.obj) if p.deleted_at), None)
        return describe(parent) if parent else ""


def deleted_items(partnership) -> list[Deleted]:
    """Each deletion once, newest first: what was deleted with it is counted, not listed."""
    items, roots = [], {}
    with_parent = defaultdict(Counter)
    for kind, model in DELETABLE.items():
        queryset = model.objects.for_partnership(partnership).filter(deleted_at__isnull=False)
        for obj in queryset.select_related(*model.containers):
            same = [p for p in ancestors(obj) if p.deleted_at == obj.deleted_at]
            if same:
                root = same[-1]
                with_parent[(type(root), root.pk)][model] += 1
            else:
                item = Deleted(kind, obj, describe(obj))
                roots[(model, obj.pk)] = item
                items.append(item)
    for key, counter in with_parent.items():
        if key in roots:
            roots[key].counts = [
                Counted(str(m._meta.verbose_name), str(m._meta.verbose_name_plural), n)
                for m, n in counter.items()
            ]
    return sorted(items, key=lambda item: item.obj.deleted_at, reverse=True)


@staff_view(methods=["GET"])
def deleted_list(request, access):
    items = deleted_items(access.partnership)
    return list_page(request, access, "deleted", "deleted.html", items=items)


@staff_view(methods=["POST"])
def restore(request, access, kind, pk):
    slug = access.partnership.slug
    if kind not in DELETABLE:
        raise Http404("Nothing of that kind can be restored.")
    model = DELETABLE[kind]
    queryset = model.objects.select_related(*model.containers)
    obj = object_in_partnership(access, queryset, pk)
    deleted_page = reverse("plans:deleted", args=[slug])
    if obj.deleted_at is None:
        messages.info(request, f"The {describe(obj)} is not deleted.")
        return redirect(page_of(obj, slug))
    try:
        counts = restore_obj(obj)
    except RestoreRefused as refused:
        messages.error(
            request,
            f"The {describe(obj)} cannot be restored while the {describe(refused.parent)} it "
            f"belongs to is deleted. Restore the {refused.parent.kind_name()} first.",
        )
        return redirect(deleted_page)
    messages.success(request, f"Restored the {describe(obj)}{and_counts(counts)}.")
    return redirect(deleted_page if request.POST.get("next") == "deleted" else page_of(obj, slug))
