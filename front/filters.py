"""Filters for the plan page and the cross-plan action list; they live in the URL."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone

from actions.models import Action, Step
from actions.queries import not_updated_q, overdue_q
from front.forms.base import DayField, GovukForm, IdsInRange
from plans.models import Group, Person, Plan, Priority, RagRating, Theme

NO_RATING = "none"


def live_steps(condition: Q):
    """The ids of actions with a live (not deleted) step matching the condition."""
    return Step.objects.live().filter(condition).values("action_id")


class DayFilter(django_filters.DateFilter):
    field_class = DayField


class ObjectsField(IdsInRange, django_filters.fields.ModelMultipleChoiceField):
    pass


class ObjectsFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = ObjectsField


def one_of(model, label, empty_label, **kwargs):
    """A drop-down of one object; ActionFilter offers the partnership's objects."""
    return django_filters.ModelChoiceFilter(
        label=label, queryset=model.objects.none(), empty_label=empty_label, **kwargs
    )


def led_by(queryset, **lead):
    """Actions led by a person or group, or with a live step they lead."""
    led = Action.objects.filter(**lead).values("pk")
    return queryset.filter(Q(pk__in=led) | Q(pk__in=live_steps(Q(**lead))))


class FilterForm(GovukForm, forms.Form):
    pass


class ActionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Search", method="search")
    rating = django_filters.MultipleChoiceFilter(
        label="Rating",
        choices=[*RagRating.Scale.choices, (NO_RATING, "No update yet")],
        widget=forms.CheckboxSelectMultiple,
        method="filter_rating",
    )
    overdue = django_filters.BooleanFilter(
        label="Past their due date only", widget=forms.CheckboxInput, method="filter_overdue"
    )
    theme = ObjectsFilter(
        label="Theme",
        queryset=Theme.objects.none(),
        field_name="themes",
        widget=forms.CheckboxSelectMultiple,
        distinct=True,
    )
    lead = one_of(Person, "Lead (person or post)", "Anyone", method="filter_lead")
    lead_group = one_of(Group, "Lead group", "Any group", method="filter_lead_group")
    group = one_of(Group, "Plan owned by", "Any group", field_name="outcome__plan__group")
    plan = one_of(Plan, "Plan", "Any plan", field_name="outcome__plan")
    priority = one_of(Priority, "Priority", "Any priority", field_name="outcome__priority")
    due_before = DayFilter(label="Due on or before", field_name="due_date", lookup_expr="lte")
    not_updated_since = DayFilter(label="Not updated since", method="filter_not_updated_since")

    class Meta:
        model = Action
        fields = []
        form = FilterForm

    def __init__(self, data=None, *, partnership, plan=None, **kwargs):
        super().__init__(data, queryset=kwargs.pop("queryset"), **kwargs)
        filters = self.filters
        filters["theme"].queryset = Theme.objects.live().for_partnership(partnership)
        filters["lead"].queryset = Person.objects.filter(partnership=partnership)
        groups = Group.objects.live().for_partnership(partnership)
        filters["lead_group"].queryset = groups
        filters["group"].queryset = groups.exclude(kind=Group.Kind.PARTNER_BODY)
        if plan is None:
            filters["plan"].queryset = Plan.objects.live().for_partnership(partnership)
            filters["priority"].queryset = (
                Priority.objects.live().for_partnership(partnership).select_related("plan")
            )
        else:
            # On a plan's own page, plan and owning group are given.
            del filters["plan"], filters["group"]
            filters["priority"].queryset = plan.priorities.live()
            if not filters["priority"].queryset.exists():
                del filters["priority"]
        if not filters["theme"].queryset.exists():
            del filters["theme"]

    @property
    def is_filtered(self) -> bool:
        return self.is_bound and any(
            value not in (None, "", [], False) for value in self.form.cleaned_data.values()
        )

    def search(self, queryset, name, value):
        steps = live_steps(Q(text__icontains=value) | Q(lead__icontains=value))
        return queryset.filter(
            Q(number__icontains=value)
            | Q(text__icontains=value)
            | Q(lead__icontains=value)
            | Q(timeframe__icontains=value)
            | Q(pk__in=steps)
        )

    def filter_rating(self, queryset, name, values):
        q = Q(current_scale__in=[v for v in values if v != NO_RATING])
        if NO_RATING in values:
            q |= Q(current_scale__isnull=True)
        return queryset.filter(q)

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(overdue_q(timezone.localdate())) if value else queryset

    def filter_lead(self, queryset, name, person):
        return led_by(queryset, lead_people=person)

    def filter_lead_group(self, queryset, name, group):
        return led_by(queryset, lead_groups=group)

    def filter_not_updated_since(self, queryset, name, value):
        return queryset.filter(not_updated_q(value))
