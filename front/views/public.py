"""Pages for everyone, signed in or not: the accessibility statement and the privacy notice,
each with the parts a deployment fills in from settings (who runs it, and how to reach them)."""

import datetime

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.http import require_GET


def operator() -> dict:
    return {
        "operator_name": settings.MSCP_OPERATOR_NAME,
        "operator_email": settings.MSCP_OPERATOR_EMAIL,
        "reviewed_on": datetime.date.fromisoformat(settings.MSCP_STATEMENT_REVIEWED),
        "idle_minutes": settings.MSCP_SESSION_IDLE_TIMEOUT // 60,
    }


@require_GET
def accessibility(request):
    return render(request, "public/accessibility.html", operator())


@require_GET
def privacy(request):
    return render(request, "public/privacy.html", operator())
