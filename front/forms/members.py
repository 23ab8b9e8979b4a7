"""Forms for the members of a partnership: sign-ins, their role and their groups."""

from django import forms
from django.db import transaction
from django.db.models import Q

from front.forms.base import GovukForm, LoadedStateForm, partnership_groups
from plans.invitations import new_token
from plans.models import Group, Invitation, Membership, Person

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


class Invitee(forms.Form):
    """Who is invited: their name and the work email the invitation goes to (a member's, and
    a new partnership's first member of staff)."""

    first_name = forms.CharField(
        label="First name", max_length=150, error_messages={"required": "Enter their first name"}
    )
    last_name = forms.CharField(
        label="Last name", max_length=150, error_messages={"required": "Enter their last name"}
    )
    email = forms.EmailField(
        label="Email address",
        help_text="Their work email: the invitation goes there, and they sign in with it.",
        error_messages={
            "required": "Enter their email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )


class InviteForm(GovukForm, Invitee, MemberFields):
    """Who to invite, and as what: they choose their own password from the emailed link."""

    field_order = ["first_name", "last_name", "email", "role"]

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup(partnership)

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        members = Membership.objects.filter(partnership=self.partnership)
        if members.filter(user__email__iexact=email).exists():
            raise forms.ValidationError(
                f"{email} is already a member of {self.partnership.short_name}"
            )
        pending = Invitation.objects.pending().filter(partnership=self.partnership)
        if pending.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                f"{email} has been invited already: send the invitation again from the list"
            )
        return email

    @transaction.atomic
    def save(self, *, invited_by) -> tuple[Invitation, str]:
        """The invitation, and its link's token (for the email only: never stored)."""
        data = self.cleaned_data
        invitation = Invitation(
            partnership=self.partnership,
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            role=data["role"],
            person=data.get("person"),
            invited_by=invited_by,
        )
        token = new_token(invitation)
        invitation.save()
        invitation.groups.set(data["groups"])
        return invitation, token


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
