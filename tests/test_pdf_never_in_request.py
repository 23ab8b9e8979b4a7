"""No page lays out a PDF while its request waits: every PDF (meeting, plan and partnership
packs, agency reports, a locked meeting's kept pack, a retry) is queued for the background
worker, so a burst of PDF requests cannot hold the web workers (issue 11: ten agency reports
asked for at once held every gunicorn worker for a minute)."""

import pytest

from plans.models import Organisation
from reporting import pdf
from reporting.models import StoredPack
from tests.helpers import ess_plan, new_meeting, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_pdf_here(settings, monkeypatch):
    """Tasks wait in a queue (no worker in this test), and laying out a PDF fails the test."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}

    def refuse(*args, **kwargs):
        raise AssertionError("a PDF was laid out in the request")

    monkeypatch.setattr(pdf, "html_to_pdf", refuse)


def test_no_view_renders_a_pdf(client_for, no_pdf_here):
    staff = client_for("staff")
    meeting = new_meeting("ESS", "2024-09-10")
    agencies = Organisation.objects.filter(partnership__slug="merton")
    addresses = [
        url("reporting:meeting_pack", meeting.pk, "pdf"),
        url("reporting:plan_pack", ess_plan().pk, "pdf"),
        url("reporting:partnership_pack", "pdf"),
        *[url("actions:agency_report", agency.pk, "pdf") for agency in agencies],
    ]
    for address in addresses:
        response = staff.get(address)
        assert response.status_code == 302, address
        assert response["Location"].startswith("/merton/packs/"), address
    # Locking a meeting queues the pack it keeps; trying a failed one again queues another.
    assert staff.post(url("reporting:meeting_lock", meeting.pk)).status_code == 302
    failed = StoredPack.objects.filter(format="pdf").first()
    StoredPack.objects.filter(pk=failed.pk).update(status="failed", error="It broke")
    assert staff.post(url("reporting:stored_pack_retry", failed.pk)).status_code == 302

    pdfs = StoredPack.objects.filter(format="pdf")
    assert pdfs.count() == len(addresses) + 2  # + the kept one, + the retry
    assert set(pdfs.exclude(pk=failed.pk).values_list("status", flat=True)) == {"queued"}
