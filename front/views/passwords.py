"""Passwords and email addresses: "Forgotten your password?" (Django's reset views, in
GOV.UK's words and styles, the same answer for any address), changing your password, and
changing your email address (confirmed by a link to the new one)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.mail import send_mail
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from front.edit_pages import posted
from front.forms.account import (
    EmailChangeForm,
    GovukPasswordChangeForm,
    GovukSetPasswordForm,
    ResetAskForm,
)
from plans import audit
from plans.accounts import EmailLinkRefused, change_email, email_change_token, reset_throttled
from plans.client_address import client_ip
from plans.tasks import send_password_reset


class ResetAsk(auth_views.PasswordResetView):
    """Ask for a reset link. Whatever the address, the same page follows at once: the email,
    if the address is a member's, is sent by a background task. Too many asks for one address
    or from one client in an hour are answered the same and sent nothing."""

    form_class = ResetAskForm
    template_name = "registration/password_reset_form.html"
    success_url = reverse_lazy("two_step:password_reset_done")
    extra_context = {"login_url": reverse_lazy("login")}

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        request = self.request
        throttled = reset_throttled(email, client_ip(request), timezone.now())
        if not throttled:
            send_password_reset.enqueue(email, request.get_host(), request.is_secure())
        audit.record(
            audit.Kind.PASSWORD_RESET_ASKED,
            request=request,
            username=email,
            summary=f"Password reset asked for {email}"
            + (": too many in an hour, nothing sent" if throttled else ""),
        )
        return redirect(self.success_url)


class ResetSent(auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_done.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(reset_hours=settings.PASSWORD_RESET_TIMEOUT // 3600)


class ResetConfirm(auth_views.PasswordResetConfirmView):
    form_class = GovukSetPasswordForm
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("two_step:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        audit.record(
            audit.Kind.PASSWORD_RESET,
            request=self.request,
            user=form.user,
            summary=f"Password reset by email link for {form.user.get_username()}",
        )
        return response


class ResetDone(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"


class PasswordChange(auth_views.PasswordChangeView):
    form_class = GovukPasswordChangeForm
    template_name = "registration/password_change.html"
    success_url = reverse_lazy("two_step:account")

    def form_valid(self, form):
        response = super().form_valid(form)
        audit.record(
            audit.Kind.PASSWORD_CHANGED,
            request=self.request,
            summary=f"{self.request.user.get_username()} changed their password",
        )
        messages.success(self.request, "Your password has been changed.")
        return response


@login_required
@require_http_methods(["GET", "POST"])
def email_change(request):
    """A new email address, with the password to show it is you: a link goes to the new
    address (it changes only when followed), and a note to the old one."""
    form = EmailChangeForm(request.user, posted(request))
    if request.method == "POST" and form.is_valid():
        user, new = request.user, form.cleaned_data["email"]
        link = request.build_absolute_uri(
            reverse("two_step:email_confirm", args=[email_change_token(user, new)])
        )
        context = {"user": user, "new": new, "link": link}
        send_mail(
            "Confirm your new email address for Partnership plans",
            render_to_string("registration/email_change_confirm.txt", context),
            None,
            [new],
        )
        if user.email:
            send_mail(
                "Your email address on Partnership plans is being changed",
                render_to_string("registration/email_change_notice.txt", context),
                None,
                [user.email],
            )
        audit.record(
            audit.Kind.EMAIL_CHANGE_ASKED,
            request=request,
            summary=f"{user.get_username()} asked to change their email to {new}",
        )
        messages.success(
            request,
            f"We have sent a link to {new}. Follow it within 24 hours to make it your email "
            "address; until then, nothing changes.",
        )
        return redirect("two_step:account")
    return render(
        request,
        "registration/email_change.html",
        {"form": form, "title": "Change your email address", "nav_account": True},
    )


LINK_REFUSALS = {
    "expired": "This link has expired: ask for a new one from Your account.",
    "used": "This link has been used, or a newer change was made since.",
    "unknown": "This link does not work: check that you copied all of it.",
    "not yours": "This link is for another account: sign in as the person it was sent to.",
}


@login_required
@require_http_methods(["GET"])
def email_confirm(request, token):
    try:
        old, new = change_email(request.user, token)
    except EmailLinkRefused as refusal:
        messages.error(request, LINK_REFUSALS[str(refusal)])
        return redirect("two_step:account")
    audit.record(
        audit.Kind.EMAIL_CHANGED,
        request=request,
        summary=f"{request.user.get_username()} changed their email from {old} to {new}",
    )
    request.user.refresh_from_db()
    messages.success(
        request,
        f"Your email address is now {new}. You sign in as {request.user.get_username()}.",
    )
    return redirect("two_step:account")
