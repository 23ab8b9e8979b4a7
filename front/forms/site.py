"""The site administrator's forms: a new partnership (its ratings, groups and first member of
staff), and finding a person."""

from django import forms
from django.core.exceptions import ValidationError

from front.forms.base import GovukForm
from front.forms.members import Invitee
from plans.models import RESERVED_SLUGS, Partnership, RagRating
from plans.partnership_setup import PRESETS, Rating, parse_groups

Scale = RagRating.Scale
# The words for each point of the fixed scale, when the partnership has its own.
OWN_WORDS = [
    (Scale.COMPLETE, "Its word for complete (optional)"),
    (Scale.ON_TRACK, "Its word for on track"),
    (Scale.AT_RISK, "Its word for at risk"),
    (Scale.OFF_TRACK, "Its word for off track"),
    (Scale.NOT_STARTED, "Its word for not started (optional)"),
]
REQUIRED_OWN = {Scale.ON_TRACK, Scale.AT_RISK, Scale.OFF_TRACK}


class PartnershipForm(GovukForm, Invitee):
    """A new partnership: the invitee's fields are its first member of staff's."""

    name = forms.CharField(
        label="Name",
        max_length=200,
        help_text="In full, for example Greenwich Safeguarding Children Partnership.",
        error_messages={"required": "Enter the partnership's name"},
    )
    short_name = forms.CharField(
        label="Short name",
        max_length=20,
        help_text="As its papers say it, for example GSCP.",
        error_messages={"required": "Enter its short name"},
    )
    slug = forms.SlugField(
        label="Web address",
        max_length=50,
        help_text="The part of its pages' addresses after the site's, for example greenwich: "
        "lower-case letters, digits and hyphens.",
        error_messages={
            "required": "Enter its address",
            "invalid": "Enter an address of lower-case letters, digits and hyphens only",
        },
    )
    protective_marking = forms.ChoiceField(
        label="Protective marking",
        choices=Partnership.Marking.choices,
        widget=forms.RadioSelect,
        required=False,
        help_text="Printed at the top and bottom of every page of its packs.",
    )
    preset = forms.ChoiceField(
        label="Ratings",
        choices=[(key, label) for key, (label, _) in PRESETS.items()],
        widget=forms.RadioSelect,
        help_text="Staff can change the words, definitions and colours later, in Settings.",
        error_messages={"required": "Choose its ratings"},
    )
    board = forms.CharField(
        label="Its board",
        max_length=200,
        help_text="The group its business plan reports to, for example Full Partnership.",
        error_messages={"required": "Enter the name of its board"},
    )
    groups = forms.CharField(
        label="Its subgroups and task groups (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Paste them one a line, each with its short name in brackets if it has one: "
        "“Quality Assurance Subgroup (QA)”. Start a line “Task group:” for a task group.",
    )

    field_order = [
        *("name", "short_name", "slug", "protective_marking", "preset", "board", "groups"),
        *("first_name", "last_name", "email"),
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for scale, label in OWN_WORDS:
            self.fields[f"own_{scale}"] = forms.CharField(
                label=label, max_length=60, required=False
            )
        self.style_fields()

    def own_fields(self):
        return [self[f"own_{scale}"] for scale, _ in OWN_WORDS]

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if Partnership.objects.filter(name__iexact=name).exists():
            raise ValidationError("A partnership of that name exists already")
        return name

    def clean_slug(self):
        slug = self.cleaned_data["slug"].lower()
        if slug in RESERVED_SLUGS:
            raise ValidationError(f"The address {slug} is the site's own: choose another")
        if Partnership.objects.filter(slug=slug).exists():
            raise ValidationError("Another partnership has that address: choose another")
        return slug

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("preset") == "own":
            for scale, label in OWN_WORDS:
                if scale in REQUIRED_OWN and not cleaned.get(f"own_{scale}", "").strip():
                    self.add_error(
                        f"own_{scale}", f"Enter {label.lower().replace('its', 'its', 1)}"
                    )
        return cleaned

    def ratings(self) -> list[Rating]:
        preset = self.cleaned_data["preset"]
        if preset != "own":
            return list(PRESETS[preset][1]())
        return [
            Rating(scale, self.cleaned_data[f"own_{scale}"].strip())
            for scale, _ in OWN_WORDS
            if self.cleaned_data.get(f"own_{scale}", "").strip()
        ]

    def group_lines(self):
        return parse_groups(self.cleaned_data.get("groups", ""))


class FindPersonForm(GovukForm, forms.Form):
    q = forms.CharField(label="Name, email address or username", max_length=150, required=False)
