"""Forms for the members of a partnership: sign-ins, their role and their groups."""

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.db import transaction
from django.db.models import Q

from front.forms.base import GovukForm, LoadedStateForm, partnership_groups
from plans.models import Group, Membership, Person

ROLE_HINTS = {
    Membership.Role.STAFF: "Edits plans, settings, members and the risk log.",
    Membership.Role.CHAIR: "Updates progress on the plans of their groups and the actions "
    "they lead.",
    Membership.Role.BOARD: "Reads plans and meeting packs, and sees the risk log.",
}


class RoleRadios(forms.RadioSelect):
    """Radios whose options carry a hint saying what the role may do (see forms/field.html)."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if value in ROLE_HINTS:
            option["attrs"]["hint"] = ROLE_HINTS[value]
            option["attrs"]["describedby"] = True
        return option


class MemberFields(forms.Form):
    """Role, groups and the plans' name for the person: shared by adding and editing."""

    role = forms.ChoiceField(
        label="Role",
        choices=Membership.Role.choices,
        widget=RoleRadios,
        error_messages={"required": "Choose the member's role"},
    )
    groups = forms.ModelMultipleChoiceField(
        label="Groups (optional)",
        queryset=Group.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The groups they chair or sit on: a chair updates the plans their groups own.",
    )
    person = forms.ModelChoiceField(
        label="Named in plans as (optional)",
        queryset=Person.objects.none(),
        required=False,
        empty_label="Not named as a lead",
        help_text="The person or post plans name as a lead, so their home page lists what "
        "they lead.",
    )

    def setup(self, partnership, user=None):
        self.partnership = partnership
        self.fields["groups"].queryset = partnership_groups(partnership)
        people = Person.objects.filter(partnership=partnership)
        self.fields["person"].queryset = people.filter(
            Q(user__isnull=True) | Q(user=user) if user else Q(user__isnull=True)
        )

    def link_person(self, user) -> None:
        chosen = self.cleaned_data.get("person")
        linked = Person.objects.filter(partnership=self.partnership, user=user)
        linked.exclude(pk=getattr(chosen, "pk", None)).update(user=None)
        if chosen is not None and chosen.user_id != user.pk:
            chosen.user = user
            chosen.save(update_fields=["user"])


class MemberAddForm(GovukForm, MemberFields):
    username = forms.CharField(
        label="Username",
        max_length=150,
        help_text="What they type to sign in: letters, digits and @ . + - _ only.",
        error_messages={"required": "Enter a username"},
    )
    first_name = forms.CharField(
        label="First name", max_length=150, error_messages={"required": "Enter their first name"}
    )
    last_name = forms.CharField(
        label="Last name", max_length=150, error_messages={"required": "Enter their last name"}
    )
    email = forms.EmailField(
        label="Email address",
        error_messages={
            "required": "Enter their email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )
    password = forms.CharField(
        label="Initial password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 12 characters, not a common password and not like their name. "
        "Give it to them safely; if this page shows an error, enter it again.",
        error_messages={"required": "Enter an initial password"},
    )
    field_order = ["username", "first_name", "last_name", "email", "password", "role"]

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup(partnership)

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        user_model = get_user_model()
        try:
            user_model.username_validator(username)
        except forms.ValidationError as error:
            raise forms.ValidationError(
                "Enter a username of letters, digits and @ . + - _ only"
            ) from error
        if user_model.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError("That username is taken: choose another")
        return username

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("password")
        if password:
            user = get_user_model()(
                username=cleaned.get("username", ""),
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
                email=cleaned.get("email", ""),
            )
            try:
                password_validation.validate_password(password, user)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return cleaned

    @transaction.atomic
    def save(self) -> Membership:
        data = self.cleaned_data
        user = get_user_model().objects.create_user(
            username=data["username"],
            email=data["email"],
            password=data["password"],
            first_name=data["first_name"],
            last_name=data["last_name"],
        )
        membership = Membership.objects.create(
            user=user, partnership=self.partnership, role=data["role"]
        )
        membership.groups.set(data["groups"])
        self.link_person(user)
        return membership


class MemberEditForm(LoadedStateForm, GovukForm, MemberFields):
    def __init__(self, *args, membership, acting_user, **kwargs):
        self.membership = membership
        self.acting_user = acting_user
        shown = self.state(membership)
        kwargs.setdefault("initial", {**shown, "groups": list(shown["groups"].all())})
        super().__init__(*args, **kwargs)
        self.setup(membership.partnership, membership.user)

    def edited(self):
        return self.membership

    def state(self, membership) -> dict:
        person = Person.objects.filter(
            partnership=membership.partnership, user=membership.user
        ).first()
        return {"role": membership.role, "groups": membership.groups, "person": person}

    def clean_role(self):
        role = self.cleaned_data["role"]
        if self.membership.user_id == self.acting_user.pk and role != Membership.Role.STAFF:
            raise forms.ValidationError(
                "You cannot take away your own staff role: ask another member of staff"
            )
        return role

    @transaction.atomic
    def save(self) -> Membership:
        self.membership.role = self.cleaned_data["role"]
        self.membership.save(update_fields=["role"])
        self.membership.groups.set(self.cleaned_data["groups"])
        self.link_person(self.membership.user)
        return self.membership
