"""The accessibility statement and the privacy notice: for everyone, signed in or not, linked
from every page's footer, with the deployment's own parts from settings."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["accessibility", "privacy"])
def test_anyone_reads_them_with_the_operators_name_and_contact(client, settings, name):
    settings.MSCP_OPERATOR_NAME = "Merton Council's MSCP business support"
    settings.MSCP_OPERATOR_EMAIL = "mscp@example.org"
    settings.MSCP_STATEMENT_REVIEWED = "2026-11-30"
    html = client.get(reverse(name)).content.decode()
    assert "run by Merton Council&#x27;s MSCP business support" in html
    assert 'href="mailto:mscp@example.org"' in html
    assert "30 November 2026" in html
    assert client.post(reverse(name)).status_code == 405


def test_without_a_contact_address_they_say_whom_to_ask(client, settings):
    settings.MSCP_OPERATOR_EMAIL = ""
    html = client.get(reverse("privacy")).content.decode()
    assert "mailto:" not in html and "your partnership’s business support team" in html


@pytest.mark.parametrize("persona", [None, "board"])
def test_every_page_links_to_them_in_its_footer(client, client_for, persona):
    client = client_for(persona) if persona else client
    html = client.get(reverse("home") if persona else reverse("login")).content.decode()
    footer = html.split('<footer class="govuk-footer">')[1]
    assert f'href="{reverse("accessibility")}"' in footer
    assert f'href="{reverse("privacy")}"' in footer


def test_no_partnership_can_take_their_addresses():
    from plans.models import RESERVED_SLUGS

    assert {"accessibility", "privacy", "partnerships"} <= RESERVED_SLUGS
