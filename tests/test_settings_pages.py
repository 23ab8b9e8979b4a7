"""Staff settings: themes, RAG ratings, groups, members and recently deleted."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from actions.models import Action, ProgressUpdate, Step
from plans.models import Group, Membership, Partnership, RagRating, Theme
from plans.staff_writes import soft_delete
from tests.helpers import PERSONAS, STAFF_ONLY, check_personas, form_data, post_form, url
from tests.test_editing import STAFF_POST, action, assert_error_page, ess

pytestmark = pytest.mark.django_db


def merton_theme(code):
    return Theme.objects.get(partnership__slug="merton", code=code)


def merton_rating(label):
    return RagRating.objects.get(partnership__slug="merton", label=label)


@pytest.mark.parametrize("persona", PERSONAS)
def test_settings_pages_are_for_staff_only(client_for, persona, personas):
    theme = merton_theme("A")
    rating = merton_rating("On track")
    group = Group.objects.get(partnership__slug="merton", short_name="ESS")
    board = Membership.objects.get(user=personas["board"])
    deleted = action("2.1")
    soft_delete(deleted)
    check_personas(
        client_for,
        persona,
        [
            ("get", url("plans:settings"), STAFF_ONLY),
            ("get", url("plans:themes"), STAFF_ONLY),
            ("get", url("plans:theme_create"), STAFF_ONLY),
            ("get", url("plans:theme_edit", theme.pk), STAFF_ONLY),
            ("get", url("plans:theme_delete", theme.pk), STAFF_ONLY),
            ("get", url("plans:ratings"), STAFF_ONLY),
            ("get", url("plans:rating_create"), STAFF_ONLY),
            ("get", url("plans:rating_edit", rating.pk), STAFF_ONLY),
            ("get", url("plans:rating_delete", rating.pk), STAFF_ONLY),
            ("post", url("plans:rating_move", rating.pk), STAFF_POST),
            ("get", url("plans:groups"), STAFF_ONLY),
            ("get", url("plans:group_create"), STAFF_ONLY),
            ("get", url("plans:group_edit", group.pk), STAFF_ONLY),
            ("get", url("plans:members"), STAFF_ONLY),
            ("get", url("plans:member_invite"), STAFF_ONLY),
            ("get", url("plans:member_edit", board.pk), STAFF_ONLY),
            ("get", url("plans:member_remove", board.pk), STAFF_ONLY),
            ("get", url("plans:deleted"), STAFF_ONLY),
            ("get", url("plans:marking"), STAFF_ONLY),
            ("get", url("plans:sign_in"), STAFF_ONLY),
            ("post", url("plans:restore", "action", deleted.pk), STAFF_POST),
        ],
    )


def test_wrong_methods_are_refused(client_for, personas):
    client = client_for("staff")
    rating = merton_rating("On track")
    for address in [url("plans:settings"), url("plans:themes"), url("plans:deleted")]:
        assert client.post(address).status_code == 405, address
    assert client.put(url("plans:rating_move", rating.pk)).status_code == 405
    assert client.get(url("plans:restore", "action", action("2.1").pk)).status_code == 405
    assert client.post(url("plans:restore", "nonsense", 1)).status_code == 404


def test_settings_is_in_the_menu_for_staff_only(client_for):
    settings = url("plans:settings")
    assert settings in client_for("staff").get(url("plans:dashboard")).content.decode()
    for persona in ["chair", "board"]:
        assert settings not in client_for(persona).get(url("plans:dashboard")).content.decode()


def test_another_partnerships_settings_objects_are_not_found(client_for, personas):
    client = client_for("outsider")
    board = Membership.objects.get(user=personas["board"])
    for name, pk in [
        ("plans:theme_edit", merton_theme("A").pk),
        ("plans:rating_edit", merton_rating("On track").pk),
        ("plans:member_edit", board.pk),
        ("plans:member_remove", board.pk),
    ]:
        assert client.get(url(name, pk, slug="medway")).status_code == 404, name
    assert client.post(url("plans:member_remove", board.pk, slug="medway")).status_code == 404
    assert Membership.objects.filter(pk=board.pk).exists()


# Themes


def test_add_edit_and_tag_a_theme(client_for):
    client = client_for("staff")
    response = client.post(
        url("plans:theme_create"),
        {"code": "F", "name": "Online safety", "short_name": "Online", "description": "Harms."},
    )
    assert response["Location"] == url("plans:themes")
    theme = merton_theme("F")
    assert theme.position == 6
    assert "Online safety" in client.get(url("plans:themes")).content.decode()

    data = form_data(client.get(url("plans:theme_edit", theme.pk)), name="Online harms")
    assert client.post(url("plans:theme_edit", theme.pk), data).status_code == 302
    theme.refresh_from_db()
    assert theme.name == "Online harms" and theme.version == 2

    act = action("2.1")
    form = client.get(url("actions:edit", act.pk))
    assert theme in form.context["form"].fields["themes"].queryset
    data = form_data(form)
    data["themes"] = [*data.get("themes", []), str(theme.pk)]
    client.post(url("actions:edit", act.pk), data)
    assert act.themes.filter(pk=theme.pk).exists()
    html = client.get(url("plans:dashboard")).content.decode()
    assert "F) Online harms" in html


@pytest.mark.both_databases  # uniqueness, whatever the case
def test_theme_codes_are_unique_even_against_deleted_themes(client_for):
    client = client_for("staff")
    html = assert_error_page(
        client.post(url("plans:theme_create"), {"code": "a", "name": "Again"}),
        "Another theme has this code: choose another",
    )
    assert 'value="Again"' in html
    soft_delete(merton_theme("E"))
    assert_error_page(
        client.post(url("plans:theme_create"), {"code": "E", "name": "Again"}),
        "A deleted theme has this code: restore it",
    )
    assert_error_page(client.post(url("plans:theme_create"), {}), "Enter the theme&#x27;s name")


def test_a_deleted_themes_tags_are_kept_and_come_back_with_it(client_for):
    client = client_for("staff")
    theme = merton_theme("E")
    tagged = list(theme.actions.all())
    assert tagged
    html = client.get(url("plans:theme_delete", theme.pk)).content.decode()
    assert f"It is tagged on {len(tagged)} action" in html
    client.post(url("plans:theme_delete", theme.pk), follow=True)
    act = tagged[0]
    assert theme.short_name not in client.get(url("plans:themes")).content.decode()
    assert theme not in client.get(url("plans:dashboard")).context["themes"]
    # Saving the action keeps the hidden tag, so restoring the theme brings it back.
    form = client.get(url("actions:edit", act.pk))
    assert theme not in form.context["form"].fields["themes"].queryset
    client.post(url("actions:edit", act.pk), form_data(form, note="Edited meanwhile"))
    client.post(url("plans:restore", "theme", theme.pk))
    assert set(theme.actions.all()) == set(tagged)
    assert escape(theme.name) in client.get(url("actions:detail", act.pk)).content.decode()


def test_a_deleted_theme_shows_on_no_plan_or_action_page(client_for):
    client = client_for("staff")
    theme = merton_theme("E")
    act = theme.actions.first()
    plan_address = url("plans:plan", act.outcome.plan_id)
    assert theme.short_name in client.get(plan_address).content.decode()
    soft_delete(theme)
    assert theme.short_name not in client.get(plan_address).content.decode()
    assert escape(theme.name) not in client.get(url("actions:detail", act.pk)).content.decode()


# RAG ratings


def test_rating_colour_is_validated_and_previewed(client_for):
    client = client_for("staff")
    data = {"label": "Amber", "scale": "at_risk", "definition": "Some risk", "colour": "orange"}
    html = assert_error_page(
        client.post(url("plans:rating_create"), data),
        "Enter the colour as # and six hex digits, for example #f47738",
    )
    assert 'value="orange"' in html and "Some risk" in html
    response = client.post(
        url("plans:rating_create"), {**data, "colour": "#FFDD00", "preview": "1"}
    )
    html = response.content.decode()
    assert response.status_code == 200 and 'fill="#ffdd00"' in html and "not saved yet" in html
    assert 'fill="#0b0c0c"' in html  # dark text on yellow
    assert not RagRating.objects.filter(partnership__slug="merton", label="Amber").exists()

    response = client.post(url("plans:rating_create"), {**data, "colour": "#FFDD00"})
    assert response["Location"] == url("plans:ratings")
    amber = merton_rating("Amber")
    assert amber.colour == "#ffdd00" and amber.scale == "at_risk"
    css = client.get(url("plans:ratings_css")).content.decode()
    assert f".app-rag--r{amber.pk}{{background:#ffdd00" in css
    assert "Amber" in client.get(url("plans:ratings")).content.decode()


def test_a_blank_colour_takes_the_scales(client_for):
    client = client_for("staff")
    client.post(url("plans:rating_create"), {"label": "Blue", "scale": "complete"})
    assert merton_rating("Blue").colour == RagRating.SCALE_COLOURS["complete"]
    html = assert_error_page(
        client.post(url("plans:rating_create"), {"label": "on track"}),
        "Another rating has this label",
        "Choose where the rating sits on the common scale",
    )
    assert 'value="on track"' in html


def test_a_used_rating_is_soft_deleted_and_kept_for_history(client_for):
    client = client_for("staff")
    rating = merton_rating("At risk")
    act = action("2.1")
    ProgressUpdate.objects.create(action=act, rating=rating, commentary="Slipping")
    html = client.get(url("plans:rating_delete", rating.pk)).content.decode()
    assert "1 progress update and 0 risks use it" in html
    client.post(url("plans:rating_delete", rating.pk))
    rating.refresh_from_db()
    assert rating.deleted_at is not None  # still there: never hard-deleted
    assert ProgressUpdate.objects.filter(rating=rating).count() == 1
    assert "Slipping" in client.get(url("actions:detail", act.pk)).content.decode()
    update_form = client.get(url("actions:update", act.pk)).context["form"]
    assert rating not in update_form.fields["rating"].queryset
    assert "At risk" not in client.get(url("plans:ratings")).content.decode()


def test_ratings_reorder(client_for):
    client = client_for("staff")
    ratings = list(RagRating.objects.filter(partnership__slug="merton").order_by("position"))
    client.post(url("plans:rating_move", ratings[2].pk), {"direction": "up"})
    after = list(RagRating.objects.filter(partnership__slug="merton").order_by("position"))
    assert after == [ratings[0], ratings[2], ratings[1], *ratings[3:]]
    html = client.get(url("plans:ratings")).content.decode()
    assert html.index(ratings[2].label) < html.index(ratings[1].label)


# Groups


def test_add_and_edit_groups(client_for):
    client = client_for("staff")
    response = client.post(
        url("plans:group_create"),
        {
            "name": "Child Exploitation",
            "short_name": "CE",
            "kind": "task_group",
            "aliases": "CE task group\n\n  Exploitation group  \nCE task group",
        },
    )
    assert response["Location"] == url("plans:groups")
    group = Group.objects.get(partnership__slug="merton", short_name="CE")
    assert group.aliases == "CE task group\nExploitation group"
    assert group.names() == ["Child Exploitation", "CE", "CE task group", "Exploitation group"]

    data = form_data(client.get(url("plans:group_edit", group.pk)), short_name="ESS")
    assert_error_page(
        client.post(url("plans:group_edit", group.pk), data), "Another group has this short name"
    )
    data["short_name"] = "CETG"
    assert client.post(url("plans:group_edit", group.pk), data).status_code == 302
    group.refresh_from_db()
    assert group.short_name == "CETG" and group.version == 2
    # A new group can own a plan.
    form = client.get(url("plans:plan_create")).context["form"]
    assert group in form.fields["group"].queryset


def test_a_groups_alias_links_leads(client_for):
    client = client_for("staff")
    group = Group.objects.get(partnership__slug="merton", short_name="ESS")
    data = form_data(client.get(url("plans:group_edit", group.pk)))
    data["aliases"] = (data.get("aliases") or "") + "\nSafeguarding Support Group"
    client.post(url("plans:group_edit", group.pk), data)
    act = action("2.1")
    data = form_data(client.get(url("actions:edit", act.pk)), lead="Safeguarding Support Group")
    client.post(url("actions:edit", act.pk), data)
    assert list(act.lead_groups.all()) == [group]


# Members


def test_members_are_listed_with_role_and_groups(client_for):
    html = client_for("staff").get(url("plans:members")).content.decode()
    assert "chair-persona" in html and "Chair or lead" in html and "ESS" in html
    assert "outsider-persona" not in html


def test_edit_a_members_role_and_groups(client_for, personas):
    client = client_for("staff")
    board = Membership.objects.get(user=personas["board"])
    qa = Group.objects.get(partnership__slug="merton", short_name="ESS")
    response = post_form(client, url("plans:member_edit", board.pk), role="chair", groups=[qa.pk])
    assert response["Location"] == url("plans:members")
    board.refresh_from_db()
    assert board.role == "chair" and list(board.groups.all()) == [qa]


def test_staff_cannot_remove_or_demote_themselves(client_for, personas):
    client = client_for("staff")
    own = Membership.objects.get(user=personas["staff"])
    assert_error_page(
        client.post(url("plans:member_edit", own.pk), {"role": "board"}),
        "You cannot take away your own staff role",
    )
    response = client.post(url("plans:member_remove", own.pk), follow=True)
    assert "You cannot remove yourself" in response.content.decode()
    assert client.get(url("plans:member_remove", own.pk)).status_code == 302
    own.refresh_from_db()
    assert own.role == "staff"
    members = client.get(url("plans:members")).content.decode()
    assert url("plans:member_remove", own.pk) not in members


def test_remove_a_member(client_for, personas):
    client = client_for("staff")
    chair = Membership.objects.get(user=personas["chair"])
    html = client.get(url("plans:member_remove", chair.pk)).content.decode()
    assert "Remove Chair from MSCP?" in html
    response = client.post(url("plans:member_remove", chair.pk))
    assert response["Location"] == url("plans:members")
    assert not Membership.objects.filter(pk=chair.pk).exists()
    assert get_user_model().objects.filter(username="chair-persona").exists()
    assert client_for("chair").get(url("plans:dashboard")).status_code == 404


# Recently deleted


def test_recently_deleted_lists_each_deletion_once_with_what_went_with_it(client_for):
    client = client_for("staff")
    outcome = ess().outcomes.get(number="1")
    step = action("2.1").steps.first()
    client.post(url("plans:outcome_delete", outcome.pk))
    client.post(url("actions:step_delete", step.pk))
    html = client.get(url("plans:deleted")).content.decode()
    actions = Action.objects.filter(outcome=outcome).count()
    assert f"Outcome 1</strong> and its {actions} actions and" in html
    assert html.count('<tr class="govuk-table__row" id="deleted-') == 2
    assert html.index(f"deleted-step-{step.pk}") < html.index(f"deleted-outcome-{outcome.pk}")

    response = client.post(url("plans:restore", "outcome", outcome.pk), {"next": "deleted"})
    assert response["Location"] == url("plans:deleted")
    assert Action.objects.live().filter(outcome=outcome).count() == actions
    assert f"deleted-outcome-{outcome.pk}" not in client.get(url("plans:deleted")).content.decode()


@pytest.mark.both_databases  # query counts
def test_recently_deleted_costs_the_same_queries_however_much_is_deleted(client_for):
    client = client_for("staff")
    address = url("plans:deleted")
    client.post(url("actions:delete", action("2.1").pk))
    client.get(address)
    with CaptureQueriesContext(connection) as one:
        client.get(address)
    steps = Step.objects.filter(action__outcome__number="1", action__outcome__plan=ess())
    for step in steps.order_by("pk")[:3]:
        client.post(url("actions:step_delete", step.pk))
    client.post(url("plans:outcome_delete", ess().outcomes.get(number="3").pk))
    client.get(address)
    with CaptureQueriesContext(connection) as many:
        html = client.get(address).content.decode()
    assert html.count('id="deleted-') == 5
    assert len(many) == len(one)


def test_restoring_what_is_not_deleted_says_so(client_for):
    client = client_for("staff")
    act = action("2.1")
    response = client.post(url("plans:restore", "action", act.pk), follow=True)
    assert "is not deleted" in response.content.decode()


def test_nothing_deleted(client_for):
    html = client_for("staff").get(url("plans:deleted")).content.decode()
    assert "Nothing has been deleted." in html


def test_a_rating_may_not_be_called_what_the_app_says_of_actions(client_for):
    """One word per idea: the app says "past due date" and "no update" of actions, so a
    rating may not (refused when typed; an existing one is warned of in Settings)."""
    client = client_for("staff")
    data = {"label": "Past  due", "scale": "off_track", "definition": "", "colour": ""}
    html = assert_error_page(
        client.post(url("plans:rating_create"), data),
        "Choose another label: “past due” is what the app itself says of an action",
    )
    assert 'value="Past  due"' in html
    assert not RagRating.objects.filter(label="Past  due").exists()
    old = RagRating.objects.create(
        partnership=merton_rating("Overdue").partnership,
        label="No update given",
        scale="not_started",
    )
    page = client.get(url("plans:ratings")).content.decode()
    assert f'id="rating-{old.pk}-words"' in page and "“no update”" in page
    assert "“Overdue”" not in page  # Merton's own red word is no longer the app's


def test_staff_set_the_packs_protective_marking(client_for):
    client = client_for("staff")
    response = post_form(client, url("plans:marking"), protective_marking="OFFICIAL-SENSITIVE")
    assert response.status_code == 302
    merton = Partnership.objects.get(slug="merton")
    assert merton.protective_marking == "OFFICIAL-SENSITIVE"
    html = assert_error_page(
        client.post(url("plans:marking"), {"protective_marking": "TOP SECRET"}),
        "Select a valid choice",
    )
    assert "OFFICIAL-SENSITIVE" in html
    refused = client_for("chair").post(url("plans:marking"), {"protective_marking": ""})
    assert refused.status_code == 403


def test_staff_turn_single_sign_on_on_for_their_partnership(client_for, settings):
    client = client_for("staff")
    settings.MSCP_OIDC_PROVIDER_NAME = "Merton Council account"
    html = client.get(url("plans:sign_in")).content.decode()
    assert "not set up on this site yet" in html  # no MSCP_OIDC_CLIENT_ID here
    response = post_form(client, url("plans:sign_in"), single_sign_on="on")
    assert response.status_code == 302
    assert Partnership.objects.get(slug="merton").single_sign_on
