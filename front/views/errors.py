"""Error pages of our own, in the service's words."""

from django.shortcuts import render

from front import drafts


def csrf_failure(request, reason=""):
    """A form whose token no longer holds, most often because its sender signed out, or in
    again, in another tab since the page was opened. Nothing is saved; what was typed is kept
    (front.drafts) and given back to the form, or shown to copy."""
    kept = drafts.keep(request)
    context = {
        "kept": kept and drafts.given_back(request.path),
        "typed": drafts.typed_words(request) if drafts.from_this_site(request) else [],
        "form_url": request.get_full_path(),
    }
    return render(request, "errors/csrf_failure.html", context, status=403)
