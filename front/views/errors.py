"""Error pages of our own, in the service's words."""

from django.shortcuts import render

from front import drafts


def csrf_failure(request, reason=""):
    """A form whose token no longer holds, most often because its sender signed out, or in
    again, in another tab since the page was opened. Nothing is saved; what was typed is kept
    (front.drafts) and given back to the form, or shown to copy."""
    context = {
        "kept": drafts.keep(request),
        "typed": drafts.typed_words(request) if drafts.from_this_site(request) else [],
        "form_url": request.get_full_path(),
    }
    return render(request, "errors/csrf_failure.html", context, status=403)


def in_partnership(request) -> dict:
    """The partnership the person was in when refused, and their access to it (front.access),
    so that the page keeps its name and menu."""
    access = getattr(request, "mscp_access", None)
    return {"partnership": access.partnership, "access": access} if access else {}


def permission_denied(request, exception=None):
    context = {"exception": exception} | in_partnership(request)
    return render(request, "403.html", context, status=403)


def page_not_found(request, exception=None):
    # Only a member's pages set it: another partnership's object found nothing, and the page
    # stays in the person's own partnership, which names nothing of the other.
    return render(request, "404.html", in_partnership(request), status=404)
