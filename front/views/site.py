"""The site administrator's pages, across partnerships: the partnerships and a new one set up
in the browser; a person's data (a subject access request) and replacing a former member's
personal details. A site administrator is a superuser; everyone else is refused."""

import json
from functools import wraps

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from front.forms.site import FindPersonForm, PartnershipForm
from front.views.invitations import send
from plans import audit
from plans.invitations import new_token
from plans.models import Invitation, Membership, Partnership
from plans.partnership_setup import create_partnership
from reporting.personal_data import FORMER, forget, personal_data


def site_admin_view(methods=("GET",)):
    def decorate(view):
        @login_required
        @require_http_methods(list(methods))
        @wraps(view)
        def site_admin_only(request, *args, **kwargs):
            if not request.user.is_superuser:
                audit.record(
                    audit.Kind.PERMISSION_DENIED,
                    request=request,
                    summary=f"Refused {request.path}: only site administrators may",
                )
                raise PermissionDenied("Only site administrators can do this.")
            return view(request, *args, **kwargs)

        return site_admin_only

    return decorate


@site_admin_view()
def partnership_list(request):
    partnerships = Partnership.objects.annotate(members=Count("memberships")).order_by("name")
    return render(
        request,
        "site/partnerships.html",
        {"partnerships": partnerships, "form": FindPersonForm(), "nav_site": True},
    )


@site_admin_view(methods=["GET", "POST"])
def partnership_create(request):
    form = PartnershipForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with transaction.atomic():
            partnership = create_partnership(
                name=data["name"],
                short_name=data["short_name"],
                slug=data["slug"],
                marking=data.get("protective_marking") or "",
                ratings=form.ratings(),
                board=data["board"],
                groups=form.group_lines(),
            )
            invitation = Invitation(
                partnership=partnership,
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                role=Membership.Role.STAFF,
                invited_by=request.user,
            )
            token = new_token(invitation)
            invitation.save()
        send(request, invitation, token)
        audit.record(
            audit.Kind.PARTNERSHIP_CREATED,
            request=request,
            partnership=partnership,
            summary=f"Created {partnership.name} ({partnership.slug}); invited "
            f"{invitation.name} <{invitation.email}> as its first staff member",
        )
        messages.success(
            request,
            f"Created {partnership.name}, with {len(form.ratings())} ratings and "
            f"{len(form.group_lines()) + 1} groups. {invitation.name} is invited as its business "
            f"support staff: the email went to {invitation.email}. They finish Settings and "
            "import its first plan.",
        )
        return redirect("site:partnerships")
    return render(
        request,
        "site/partnership_form.html",
        {"form": form, "title": "Create a partnership", "nav_site": True},
    )


@site_admin_view()
def people(request):
    form = FindPersonForm(request.GET or None)
    found = []
    if form.is_valid() and form.cleaned_data["q"].strip():
        q = form.cleaned_data["q"].strip()
        words = Q(username__icontains=q) | Q(email__icontains=q)
        for part in q.split():
            words |= Q(first_name__icontains=part) | Q(last_name__icontains=part)
        found = (
            get_user_model()
            .objects.filter(words)
            .prefetch_related("memberships__partnership")
            .order_by("first_name", "last_name")[:50]
        )
    return render(
        request,
        "site/people.html",
        {"form": form, "found": found, "searched": form.is_bound, "nav_site": True},
    )


@site_admin_view()
def person(request, pk):
    user = get_object_or_404(get_user_model(), pk=pk)
    memberships = user.memberships.select_related("partnership").prefetch_related("groups")
    return render(
        request,
        "site/person.html",
        {"person": user, "memberships": memberships, "former": FORMER, "nav_site": True},
    )


@site_admin_view()
def person_export(request, pk):
    """Everything held about them and all they wrote, as one JSON document (a subject access
    request's answer); the download is audited."""
    user = get_object_or_404(get_user_model(), pk=pk)
    data = personal_data(user)
    audit.record(
        audit.Kind.DATA_EXPORTED,
        request=request,
        summary=f"Exported the personal data of {user.get_full_name() or user.username}",
        obj=user,
    )
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="personal-data-{user.pk}.json"'
    return response


@site_admin_view(methods=["GET", "POST"])
def person_forget(request, pk):
    user = get_object_or_404(get_user_model(), pk=pk)
    name = user.get_full_name() or user.username
    if user.pk == request.user.pk or user.is_superuser:
        messages.error(request, "A site administrator's details cannot be replaced here.")
        return redirect("site:person", pk)
    if request.method == "POST":
        forget(user)
        audit.record(
            audit.Kind.MEMBER_FORGOTTEN,
            request=request,
            summary=f"Replaced the personal details of account {user.pk} with {FORMER}",
            obj=user,
        )
        messages.success(
            request,
            f"{name}'s details are replaced with “{FORMER}”. What they wrote stays, now "
            f"shown as by {FORMER}.",
        )
        return redirect("site:person", pk)
    return render(
        request,
        "site/forget.html",
        {
            "person": user,
            "name": name,
            "former": FORMER,
            "nav_site": True,
            "cancel_url": reverse("site:person", args=[pk]),
        },  # fmt: skip
    )
