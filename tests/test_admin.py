"""The admin lists, searches and edits every model; actions import and export."""

import io

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse
from openpyxl import load_workbook
from tablib import Dataset

from actions.models import Action
from reporting.admin import ActionResource
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

APP_MODELS = [
    model
    for model in apps.get_models()
    if model._meta.app_label in {"plans", "actions"} and not model.__name__.startswith("Historical")
]


@pytest.fixture
def admin_client(client, demo):
    user = UserFactory(username="operator", is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


def test_every_model_is_registered():
    assert all(admin.site.is_registered(model) for model in APP_MODELS)


@pytest.mark.parametrize("model", APP_MODELS, ids=lambda m: m.__name__)
@pytest.mark.both_databases  # query counts and the admin's search
def test_changelists_and_search_work(admin_client, model, django_assert_max_num_queries):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    with django_assert_max_num_queries(20):
        response = admin_client.get(url)
    assert response.status_code == 200
    assert admin_client.get(url, {"q": "neglect"}).status_code == 200


def test_plan_page_shows_its_outcomes_inline(admin_client):
    from plans.models import Plan

    plan = Plan.objects.get(title__startswith="Effective Safeguarding")
    response = admin_client.get(reverse("admin:plans_plan_change", args=[plan.pk]))
    assert response.status_code == 200
    assert "The subgroup helps co-ordinate" in response.content.decode()


def test_action_page_shows_steps_and_current_rating_label(admin_client):
    from plans.models import RagRating
    from tests.factories import ProgressUpdateFactory

    action = Action.objects.get(number="2.1", outcome__plan__title__startswith="Effective")
    ProgressUpdateFactory(
        action=action, rating=RagRating.objects.get(partnership__slug="merton", label="At risk")
    )
    page = admin_client.get(reverse("admin:actions_action_change", args=[action.pk]))
    assert "Deliver neglect training" in page.content.decode()
    listing = admin_client.get(reverse("admin:actions_action_changelist"), {"rating": "at_risk"})
    html = listing.content.decode()
    assert "At risk</strong>" in html and 'fill="#f47738"' in html
    assert "Promotion of Neglect Toolkit" in html


def test_action_export_then_import_changes_nothing(demo):
    resource = ActionResource()
    exported = resource.export()
    result = resource.import_data(Dataset().load(exported.csv, format="csv"), dry_run=True)
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["update"] == 0 and result.totals["new"] == 0
    assert result.totals["skip"] == Action.objects.count()


def test_action_import_reports_bad_rows(demo):
    resource = ActionResource()
    data = Dataset(headers=["id", "outcome", "number", "text", "themes"])
    data.append(["", "999999", "9.9", "Nowhere to go", ""])
    result = resource.import_data(data, dry_run=True)
    assert result.has_errors() or result.has_validation_errors()
    assert Action.objects.filter(number="9.9").count() == 0


HOSTILE = [
    '=HYPERLINK("http://evil.example", "Click")',
    '==HYPERLINK("http://evil.example", "Click")',
    '+HYPERLINK("http://evil.example", "Click")',
    "-2+3+cmd|'/C calc'!A0",
    "@SUM(1+1)*cmd|'/C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def test_the_admin_export_writes_every_hostile_text_as_text(admin_client):
    """django-import-export's own escaping took off one "=" only: the rest stayed formulas."""
    action = Action.objects.filter(outcome__plan__title__startswith="Effective").first()
    for text in HOSTILE:
        Action.objects.filter(pk=action.pk).update(text=text, lead=text)
        url = reverse("admin:actions_action_export")
        form = admin_client.get(url).context["form"]
        assert form.fields["format"].choices == [("0", "xlsx")]  # no CSV: it cannot say "text"
        fields = {name: "on" for name in form.fields if name.startswith("actionresource_")}
        response = admin_client.post(url, {"format": "0", "resource": "0", **fields})
        sheet = load_workbook(io.BytesIO(response.content)).active
        headers = [cell.value for cell in sheet[1]]
        row = next(r for r in sheet.iter_rows(min_row=2) if str(r[0].value) == str(action.pk))
        for column in ("text", "lead"):
            cell = row[headers.index(column)]
            assert cell.data_type == "s" and cell.quotePrefix, (text, column)
            assert cell.value in (text, text.replace("\r", "\n"))  # as typed (xlsx: CR is LF)
