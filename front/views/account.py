"""Two-step verification's pages: the code asked for at sign-in, and the user's own account
page where it is turned on and off and new backup codes are made (rules: plans.two_step)."""

from functools import wraps

from axes.handlers.proxy import AxesProxyHandler
from django.contrib import messages
from django.contrib.auth import authenticate, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from front.forms.account import AppCodeForm, ConfirmItsYouForm, SignInCodeForm
from front.views.sign_in import locked_out
from plans import audit, two_step

# The backup codes just made, shown once by the next backup-codes page and then forgotten.
NEW_CODES = "mscp_new_backup_codes"

TO_SIGN_IN = "to sign in"
TO_SET_UP = "to set up two-step verification"
TO_TURN_OFF = "to turn off two-step verification"
TO_MAKE_CODES = "to make new backup codes"


def safe_next(request) -> str:
    """Where to go once the code is given: `next` if it is an address of this site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else reverse("home")


def credentials(request) -> dict:
    """What django-axes counts a wrong code against: the username (with the address)."""
    return {"username": request.user.get_username()}


def refuse(request, form, field: str, check, *, typed_for: str) -> None:
    """Say why the code was refused. A wrong code is recorded in the audit log and counts
    towards the sign-in lock-out like a wrong password; one refused unchecked, because the
    device makes the user wait after wrong codes, is neither."""
    if check.throttled:
        seconds = check.wait_seconds
        form.add_error(
            field,
            "You have entered too many wrong codes. "
            f"Wait {seconds} second{'s' if seconds != 1 else ''}, then try again",
        )
        return
    audit.code_refused(request, check, typed_for=typed_for)
    AxesProxyHandler.user_login_failed(__name__, credentials(request), request)
    if check.kind == two_step.BACKUP:
        form.add_error(field, "That backup code is not right, or it has been used already")
    else:
        form.add_error(field, "That code is not right: enter the code your app shows now")


@never_cache
@require_http_methods(["GET", "POST"])
def verify(request):
    """The second step of signing in, for a user with two-step verification on."""
    if not request.user.is_authenticated:
        return redirect("login")
    next_url = safe_next(request)
    if not two_step.needs_code(request.user):
        return redirect(next_url)
    form = SignInCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if AxesProxyHandler.is_locked(request, credentials(request)):
            who = credentials(request)
            logout(request)
            return locked_out(request, credentials=who)
        backup = bool(form.cleaned_data["backup_code"])
        if backup:
            check = two_step.check_backup_code(request.user, form.cleaned_data["backup_code"])
        else:
            check = two_step.check_app_code(request.user, form.cleaned_data["code"])
        if check.accepted:
            two_step.mark_verified(request, check.device)
            audit.signed_in_with_code(request, check)
            if backup:
                left = two_step.backup_codes_left(request.user)
                messages.info(
                    request,
                    f"You used a backup code. You have {left} left: make new ones from "
                    "“Your account” if you are running out.",
                )
            return redirect(next_url)
        refuse(request, form, "backup_code" if backup else "code", check, typed_for=TO_SIGN_IN)
        if getattr(request, "axes_locked_out", False):
            # That was the last wrong code allowed: the password must be given again, once
            # the lock-out is over (django-axes' middleware shows the lock-out page).
            logout(request)
    return render(
        request,
        "plans/two_step/verify.html",
        {"form": form, "next": next_url, "hide_navigation": True},
    )


@never_cache
@login_required
@require_http_methods(["GET"])
def account(request):
    """The user's own account: whether two-step verification is on, and its controls."""
    on = two_step.is_on(request.user)
    return render(
        request,
        "plans/two_step/account.html",
        {
            "on": on,
            "backup_codes_left": two_step.backup_codes_left(request.user) if on else None,
            "recommended": two_step.recommended(request.user),
            "nav_account": True,
        },
    )


@login_required
@require_POST
def start(request):
    """A new key for an authenticator app (the set-up page shows it)."""
    if two_step.is_on(request.user):
        return redirect("two_step:account")
    two_step.start_set_up(request.user)
    return redirect("two_step:set_up")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def set_up(request):
    """The QR code and key to give the authenticator app, and its first code."""
    if two_step.is_on(request.user):
        messages.info(request, "Two-step verification is already on.")
        return redirect("two_step:account")
    device = two_step.device_being_set_up(request.user)
    if device is None:
        return redirect("two_step:account")
    form = AppCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = two_step.check_app_code(request.user, form.cleaned_data["code"], confirmed=False)
        if check.accepted:
            codes = two_step.confirm_set_up(request.user, check.device)
            two_step.mark_verified(request, check.device)
            audit.two_step_turned_on(request)
            request.session[NEW_CODES] = codes
            messages.success(request, "Two-step verification is on.")
            return redirect("two_step:backup_codes")
        refuse(request, form, "code", check, typed_for=TO_SET_UP)
    return render(
        request,
        "plans/two_step/set_up.html",
        {
            "form": form,
            "qr_code": two_step.qr_code_svg(device),
            "key": two_step.written_key(device),
            "nav_account": True,
        },
    )


def with_two_step_on(view):
    """A page that changes two-step verification once it is on (a GET shows its form, a
    POST confirms it is the user): anyone without it goes to their account page instead."""

    @never_cache
    @login_required
    @require_http_methods(["GET", "POST"])
    @wraps(view)
    def page(request):
        if not two_step.is_on(request.user):
            return redirect("two_step:account")
        return view(request)

    return page


def confirmed_with(request, form, *, typed_for: str) -> str | None:
    """On a POST of a valid form, what the user confirmed it is them with ("password" or an
    app code); else None, with the form's error added. A wrong password counts towards the
    lock-out as at sign-in."""
    if request.method != "POST" or not form.is_valid():
        return None
    user = request.user
    if form.cleaned_data["code"]:
        check = two_step.check_app_code(user, form.cleaned_data["code"])
        if check.accepted:
            return check.kind
        refuse(request, form, "code", check, typed_for=typed_for)
        return None
    again = authenticate(
        request, username=user.get_username(), password=form.cleaned_data["password"]
    )
    if again is not None and again.pk == user.pk:
        return "password"
    form.add_error("password", "That password is not right")
    return None


@with_two_step_on
def backup_codes(request):
    """The backup codes just made (shown this once), or a form to make new ones."""
    codes = request.session.pop(NEW_CODES, None) if request.method == "GET" else None
    form = ConfirmItsYouForm(request.POST or None)
    how = confirmed_with(request, form, typed_for=TO_MAKE_CODES)
    if how is not None:
        request.session[NEW_CODES] = two_step.make_backup_codes(request.user)
        audit.backup_codes_made(request, count=two_step.BACKUP_CODE_COUNT, confirmed_with=how)
        messages.success(request, "New backup codes made. The old ones no longer work.")
        return redirect("two_step:backup_codes")
    return render(
        request,
        "plans/two_step/backup_codes.html",
        {
            "codes": [two_step.written_backup_code(code) for code in codes or []],
            "left": two_step.backup_codes_left(request.user),
            "form": form,
            "nav_account": True,
        },
    )


@with_two_step_on
def turn_off(request):
    form = ConfirmItsYouForm(request.POST or None)
    how = confirmed_with(request, form, typed_for=TO_TURN_OFF)
    if how is not None:
        two_step.turn_off(request.user)
        audit.two_step_turned_off(request, confirmed_with=how)
        messages.success(request, "Two-step verification is off.")
        return redirect("two_step:account")
    return render(request, "plans/two_step/turn_off.html", {"form": form, "nav_account": True})


@login_required
@never_cache
def keep_alive(request):
    """ "Stay signed in" on the timeout warning (static/src/app.mjs): a request, so the
    session's idle time starts again (mscp.sessions). Nothing to show."""
    return HttpResponse(status=204)
