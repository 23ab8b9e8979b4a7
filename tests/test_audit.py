"""The audit log: what is recorded (sign-ins, refusals, downloads, exports, imports), that
it is never changed, who may read it, what its page shows, and that a page of it costs the
same queries however long the log grows."""

import datetime as dt
import io
import json

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone

from actions.models import Action, ProgressUpdate, Risk, Step
from front.views.audit import change_of, log_rows
from plans import audit
from plans.models import (
    AuditEvent,
    Group,
    Membership,
    Outcome,
    Partnership,
    Plan,
    Priority,
    RagRating,
    Theme,
)
from plans.staff_writes import soft_delete
from reporting.models import Meeting
from tests.conftest import PASSWORD
from tests.factories import UserFactory
from tests.helpers import PERSONAS, STAFF_ONLY, ess_plan, post_form, url
from tests.test_imports import SMALL_PLAN, preview_and_confirm, problems, upload, xlsx

pytestmark = pytest.mark.django_db

Kind = AuditEvent.Kind


def merton():
    return Partnership.objects.get(slug="merton")


def medway_plan():
    return Plan.objects.get(title__startswith="Medway")


def only(kind) -> AuditEvent:
    return AuditEvent.objects.get(kind=kind)


def attachment_name(response) -> str:
    return response["Content-Disposition"].split('filename="')[1].rstrip('"')


def page(client, **query):
    response = client.get(url("plans:audit"), query)
    assert response.status_code == 200
    return response


# Signing in and out -----------------------------------------------------------------------


def test_a_sign_in_and_a_sign_out_are_recorded(client, personas):
    response = client.post(
        reverse("login"),
        {"username": "staff-persona", "password": PASSWORD},
        REMOTE_ADDR="203.0.113.7",
    )
    assert response.status_code == 302
    event = only(Kind.SIGNED_IN)
    assert (event.user, event.username, event.partnership) == (
        personas["staff"],
        "staff-persona",
        None,
    )
    assert (event.path, event.ip_address) == (reverse("login"), "203.0.113.7")
    client.post(reverse("logout"))
    event = only(Kind.SIGNED_OUT)
    assert (event.user, event.username, event.path) == (
        personas["staff"], "staff-persona", reverse("logout")
    )  # fmt: skip


def test_a_failed_sign_in_keeps_the_username_typed_and_never_the_password(client, personas):
    typed = "not-the-password-8c1f"
    for username in ["staff-persona", "no-such-person"]:
        response = client.post(reverse("login"), {"username": username, "password": typed})
        assert response.status_code == 200  # the form again, with its error
    known, unknown = AuditEvent.objects.filter(kind=Kind.SIGN_IN_FAILED).order_by("pk")
    assert (known.username, known.user) == ("staff-persona", personas["staff"])
    assert (unknown.username, unknown.user) == ("no-such-person", None)
    assert known.detail == {} and known.summary == "Sign-in failed"
    # Not in the audit log, nor in any other table (django-axes' attempts included).
    for model in apps.get_models():
        for row in model._base_manager.values():
            assert typed not in json.dumps(row, default=str), model


def test_signing_out_when_not_signed_in_records_nothing(client, personas):
    client.post(reverse("logout"))
    assert not AuditEvent.objects.filter(kind=Kind.SIGNED_OUT).exists()


# Refusals ---------------------------------------------------------------------------------


def test_a_403_is_recorded_with_user_path_and_reason(client_for, personas):
    address = url("plans:settings")
    assert client_for("board").get(address).status_code == 403
    event = only(Kind.PERMISSION_DENIED)
    assert (event.user, event.path, event.partnership) == (personas["board"], address, merton())
    assert event.summary == "Refused: Only business support staff can change this."
    assert event.detail == {"status": 403}


def test_a_chair_refused_an_update_is_recorded(client_for, personas):
    action = Action.objects.get(outcome__plan__title__startswith="Promote", number="1.1")
    address = url("actions:update", action.pk)
    assert client_for("chair").get(address).status_code == 403
    event = only(Kind.PERMISSION_DENIED)
    assert (event.user, event.path) == (personas["chair"], address)
    assert "plans your group owns" in event.summary


def test_another_partnerships_object_is_recorded_as_a_404(client_for, personas):
    plan = medway_plan()
    address = url("plans:plan", plan.pk)
    assert client_for("staff").get(address).status_code == 404
    event = only(Kind.NOT_FOUND)
    assert (event.user, event.path, event.partnership) == (personas["staff"], address, merton())
    assert event.detail == {"status": 404, "model": "plans.plan", "pk": plan.pk, "elsewhere": True}
    # Its staff are not told the id exists elsewhere: only the site's administrators are.
    assert event.summary == f"Asked for plan {plan.pk}: not found"


def test_a_deleted_object_is_a_404_but_not_another_partnerships(client_for):
    action = Action.objects.get(outcome__plan=ess_plan(), number="2.1")
    soft_delete(action)
    assert client_for("staff").get(url("actions:detail", action.pk)).status_code == 404
    event = only(Kind.NOT_FOUND)
    assert event.detail["elsewhere"] is False
    assert event.summary == f"Asked for action {action.pk}: not found"


def test_a_partnership_the_user_is_not_a_member_of_is_recorded_in_its_log(client_for, personas):
    assert client_for("outsider").get(url("plans:dashboard")).status_code == 404
    event = only(Kind.NOT_FOUND)
    assert (event.user, event.partnership, event.path) == (
        personas["outsider"], merton(), url("plans:dashboard")
    )  # fmt: skip
    assert event.detail == {"status": 404, "slug": "merton"}
    # A slug that names no partnership is kept with none.
    assert client_for("outsider").get(url("plans:dashboard", slug="nowhere")).status_code == 404
    assert AuditEvent.objects.get(kind=Kind.NOT_FOUND, detail__slug="nowhere").partnership is None


def test_anonymous_visitors_sent_to_sign_in_are_not_recorded(client_for):
    for address in [url("plans:settings"), url("plans:plan", medway_plan().pk)]:
        assert client_for("anonymous").get(address).status_code == 302
    assert not AuditEvent.objects.filter(kind__in=[Kind.PERMISSION_DENIED, Kind.NOT_FOUND]).exists()


# The client's address ---------------------------------------------------------------------


def test_x_forwarded_for_is_ignored_unless_our_proxy_is_trusted():
    request = RequestFactory().get(
        "/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.9.9.9, 198.51.100.4"
    )
    assert audit.client_ip(request) == "127.0.0.1"
    with override_settings(MSCP_TRUST_X_FORWARDED_FOR=True):
        # The last address is the one our proxy saw; the rest came from the client.
        assert audit.client_ip(request) == "198.51.100.4"
    assert audit.client_ip(RequestFactory().get("/", REMOTE_ADDR="not an address")) is None


# Downloads, exports and imports -----------------------------------------------------------


@pytest.mark.parametrize(
    "name, args",
    [
        ("reporting:meeting_pack", lambda: [meeting().pk, "xlsx"]),
        ("reporting:plan_pack", lambda: [ess_plan().pk, "xlsx"]),
        ("reporting:partnership_pack", lambda: ["xlsx"]),
    ],
)
def test_each_pack_download_is_recorded_with_its_file_name(client_for, personas, name, args):
    address = url(name, *args())
    response = client_for("board").get(address)
    assert response.status_code == 200
    event = only(Kind.PACK_DOWNLOADED)
    file_name = attachment_name(response)
    assert (event.user, event.partnership, event.path) == (personas["board"], merton(), address)
    assert event.detail == {"file": file_name} and event.summary == f"Downloaded {file_name}"


def meeting():
    board = Group.objects.get(partnership__slug="merton", short_name="Partnership")
    return Meeting.objects.get_or_create(group=board, held_on=dt.date(2024, 9, 15))[0]


def test_the_object_of_a_download_is_referenced(client_for):
    client_for("board").get(url("reporting:plan_pack", ess_plan().pk, "xlsx"))
    event = only(Kind.PACK_DOWNLOADED)
    assert (event.content_type.model_class(), event.object_id) == (Plan, str(ess_plan().pk))


def test_an_export_and_the_template_are_recorded(client_for, personas):
    client = client_for("staff")
    response = client.get(url("imports:export", ess_plan().pk))
    event = only(Kind.PLAN_EXPORTED)
    assert event.detail == {"file": attachment_name(response)}
    assert (event.user, event.object_id, event.partnership) == (
        personas["staff"], str(ess_plan().pk), merton()
    )  # fmt: skip
    response = client.get(url("imports:template"))
    assert only(Kind.TEMPLATE_DOWNLOADED).detail == {"file": attachment_name(response)}


def test_an_import_is_recorded_from_upload_to_confirmation(client_for, personas):
    client = client_for("staff")
    response = upload(client, xlsx(SMALL_PLAN), name="../../etc/Our plan.xlsx")
    assert response.status_code == 302, problems(response)
    uploaded = only(Kind.IMPORT_UPLOADED)
    token = uploaded.detail["import"]
    # Django keeps only the file's own name; it is kept as words, never used as a path.
    assert uploaded.detail["file"] == "Our plan.xlsx"
    assert uploaded.summary == "Uploaded “Our plan.xlsx” to import"
    _, confirmation = preview_and_confirm(client, response)
    assert confirmation.status_code == 302
    previewed, confirmed = only(Kind.IMPORT_PREVIEWED), only(Kind.IMPORT_CONFIRMED)
    assert previewed.detail["import"] == confirmed.detail["import"] == token
    assert previewed.detail["problems"] == 0
    assert previewed.detail["changes"] == confirmed.detail["changes"] == {"add": 4}
    assert confirmed.detail["summary"] == ["1 new outcome", "2 new actions", "1 new step"]
    plan = Plan.objects.get(title="Imported plan")
    assert (confirmed.user, confirmed.object_id) == (personas["staff"], str(plan.pk))
    assert confirmed.summary == f"Imported a file into a new plan {plan}"
    assert confirmed.detail["new_plan"] is True


def test_an_imports_changes_are_in_the_history_with_the_importing_user(client_for, personas):
    client = client_for("staff")
    preview_and_confirm(client, upload(client, xlsx(SMALL_PLAN)))
    plan = Plan.objects.get(title="Imported plan")
    records = [
        *plan.history.all(),
        *Outcome.history.filter(plan=plan),
        *Action.history.filter(outcome__plan=plan),
        *Step.history.filter(action__outcome__plan=plan),
    ]
    assert len(records) >= 5
    assert {record.history_user for record in records} == {personas["staff"]}
    # And the audit page shows them, by whom.
    entries = page(client, kind="content_added", user=personas["staff"].pk).context["entries"]
    whats = [entry.what for entry in entries]
    assert "Added action 1.1" in whats and f"Added plan “{plan}”" in whats
    assert {entry.who for entry in entries} == {"Staff (staff-persona)"}


# Append-only ------------------------------------------------------------------------------


def test_events_are_never_changed(personas):
    event = audit.record(Kind.PACK_DOWNLOADED, user=personas["staff"], summary="Downloaded x")
    event.summary = "Downloaded nothing"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=event.pk).update(summary="Downloaded nothing")
    assert AuditEvent.objects.get(pk=event.pk).summary == "Downloaded x"


def test_the_admin_shows_events_and_changes_none(client, personas):
    admin = UserFactory(username="operator", is_staff=True, is_superuser=True)
    client.force_login(admin)
    event = audit.record(Kind.SIGN_IN_FAILED, username="someone", summary="Sign-in failed")
    assert client.get(reverse("admin:plans_auditevent_changelist")).status_code == 200
    change = client.get(reverse("admin:plans_auditevent_change", args=[event.pk]))
    assert change.status_code == 200 and 'name="_save"' not in change.content.decode()
    assert client.get(reverse("admin:plans_auditevent_add")).status_code == 403
    assert client.get(reverse("admin:plans_auditevent_delete", args=[event.pk])).status_code == 403
    assert client.post(reverse("admin:plans_auditevent_change", args=[event.pk])).status_code == 403


@pytest.mark.both_databases  # a database constraint
def test_an_unknown_kind_is_refused_by_the_database(personas):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent.objects.create(kind="made_up", summary="x")


# Retention --------------------------------------------------------------------------------


@pytest.mark.both_databases  # a delete in a transaction, by date
def test_prune_audit_deletes_only_events_older_than_the_days_given(personas):
    now = timezone.now()
    old = AuditEvent.objects.create(kind=Kind.SIGNED_IN, summary="old", at=now - dt.timedelta(91))
    kept = AuditEvent.objects.create(kind=Kind.SIGNED_IN, summary="new", at=now - dt.timedelta(89))
    history = Action.history.count()
    out = io.StringIO()
    call_command("prune_audit", "--older-than", "90", "--dry-run", stdout=out)
    assert AuditEvent.objects.filter(pk=old.pk).exists()
    call_command("prune_audit", "--older-than", "90", stdout=out)
    assert not AuditEvent.objects.filter(pk=old.pk).exists()
    assert AuditEvent.objects.filter(pk=kept.pk).exists()
    assert Action.history.count() == history  # content history is not the audit log's
    pruned = only(Kind.AUDIT_PRUNED)
    assert pruned.detail["deleted"] == 1 and "older than 90 days" in pruned.summary
    assert out.getvalue().splitlines() == [
        "1 audit events are older than 90 days.",
        "Deleted 1 audit events older than 90 days.",
    ]


@pytest.mark.parametrize("args", [[], ["--older-than", "0"], ["--older-than", "soon"]])
def test_prune_audit_needs_a_number_of_days(args):
    with pytest.raises(CommandError):
        call_command("prune_audit", *args)


# The page ---------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_audit_page_is_for_the_partnerships_staff_only(client_for, persona):
    address = url("plans:audit")
    response = client_for(persona).get(address)
    assert response.status_code == STAFF_ONLY[persona]
    if persona == "anonymous":
        assert response["Location"].startswith(reverse("login"))
    if persona == "outsider":  # Medway staff see Medway's log, not Merton's
        assert client_for(persona).get(url("plans:audit", slug="medway")).status_code == 200


def test_the_audit_page_is_listed_in_settings_for_staff(client_for):
    html = client_for("staff").get(url("plans:settings")).content.decode()
    assert url("plans:audit") in html and "Audit log" in html
    assert client_for("staff").post(url("plans:audit")).status_code == 405


def test_the_page_merges_events_and_content_changes_newest_first(client_for, personas):
    client = client_for("staff")
    action = Action.objects.get(outcome__plan=ess_plan(), number="2.1")
    lead = action.lead
    with audit_user(personas["staff"]):
        action.lead = "Sarah Brewster, MSCP BSU"
        action.save()
        soft_delete(Action.objects.get(outcome__plan=ess_plan(), number="2.2"))
    client.get(url("reporting:plan_pack", ess_plan().pk, "xlsx"))
    response = page(client)
    entries = response.context["entries"]
    assert [e.when for e in entries] == sorted((e.when for e in entries), reverse=True)
    whats = [(e.kind, e.what) for e in entries]
    assert whats[:2] == [
        ("Pack downloaded", f"Downloaded {only(Kind.PACK_DOWNLOADED).detail['file']}"),
        ("Content deleted", "Deleted action 2.2"),
    ]
    # Its steps went with it, just before; the change to 2.1 came before that.
    changed = whats.index(("Content changed", "Changed action 2.1"))
    assert all(what.startswith("Deleted step ") for _, what in whats[2:changed])
    assert entries[changed].fields == [("Lead", lead, "Sarah Brewster, MSCP BSU")]
    assert entries[changed].notes == [f"In {ess_plan()}"]
    assert entries[changed].who == "Staff (staff-persona)"
    html = response.content.decode()
    assert "Sarah Brewster, MSCP BSU" in html and "Deleted action 2.2" in html
    assert "Signed in" in html  # the staff member's own sign-in (client_for)


def audit_user(user):
    from plans.history import acting_as

    return acting_as(user)


def test_the_page_counts_every_entry_of_the_partnership_and_no_other(client_for, personas):
    client = client_for("staff")
    client_for("outsider").get(url("plans:dashboard", slug="medway"))  # Medway's sign-in
    stranger = UserFactory(username="stranger")
    audit.record(Kind.SIGNED_IN, user=stranger, summary="Signed in")
    audit.record(Kind.PACK_DOWNLOADED, partnership=medway_plan().partnership, summary="x")
    client = client_for("staff")
    members = Membership.objects.filter(partnership=merton()).values("user")
    events = (
        AuditEvent.objects.filter(partnership=merton()).count()
        + AuditEvent.objects.filter(partnership=None, user__in=members).count()
    )
    content = sum(
        model.history.filter(**{path: merton()}).count()
        for model, path in [
            (Plan, "group__partnership"),
            (Priority, "plan__group__partnership"),
            (Outcome, "plan__group__partnership"),
            (Action, "outcome__plan__group__partnership"),
            (Step, "action__outcome__plan__group__partnership"),
            (Risk, "partnership"),
            (Group, "partnership"),
            (Theme, "partnership"),
            (RagRating, "partnership"),
        ]
    )
    updates = ProgressUpdate.objects.filter(action__outcome__plan__group__partnership=merton())
    response = page(client)
    assert response.context["page"].paginator.count == events + content + updates.count()
    assert len(response.context["entries"]) == 50
    whos = {e.who for e in response.context["entries"]}
    assert "stranger" not in whos and "Outsider (outsider-persona)" not in whos
    assert page(client, page=2).context["page"].number == 2


def test_filters_by_kind_user_and_dates(client_for, personas):
    client = client_for("staff")
    staff, board = personas["staff"], personas["board"]
    day = dt.datetime(2024, 3, 10, 12, tzinfo=dt.UTC)
    for when, user in [(day, staff), (day + dt.timedelta(days=2), board)]:
        AuditEvent.objects.create(
            kind=Kind.PACK_DOWNLOADED, user=user, username=user.username, summary="Downloaded",
            partnership=merton(), at=when,
        )  # fmt: skip
    downloads = page(client, kind="pack_downloaded").context["entries"]
    assert [e.who for e in downloads] == ["Board (board-persona)", "Staff (staff-persona)"]
    assert [
        e.who for e in page(client, kind="pack_downloaded", user=staff.pk).context["entries"]
    ] == ["Staff (staff-persona)"]

    def who(**dates):
        return [e.who for e in page(client, **dates).context["entries"]]

    assert who(since="2024-03-10", until="2024-03-11") == ["Staff (staff-persona)"]
    assert who(since="2024-03-11", until="2024-03-12") == ["Board (board-persona)"]
    assert who(until="2024-03-12") == ["Board (board-persona)", "Staff (staff-persona)"]
    assert who(kind="pack_downloaded", since="2024-03-12") == ["Board (board-persona)"]
    # Content changes filter the same way.
    added = page(client, kind="content_added").context["entries"]
    assert added and {e.kind for e in added} == {"Content added"}
    # A filter that does not make sense is shown as an error, and the log unfiltered.
    response = page(client, since="not a date")
    assert response.context["filter"].errors and response.context["entries"]


def test_a_change_of_themes_and_a_save_that_changed_nothing(client_for, personas):
    client = client_for("staff")
    action = Action.objects.get(outcome__plan=ess_plan(), number="2.2")
    before = ", ".join(action.themes.order_by("position", "code").values_list("code", flat=True))
    themes = Theme.objects.filter(partnership=merton(), code__in=["A", "C"])
    with audit_user(personas["staff"]):
        action.themes.set(themes)
        Outcome.objects.get(plan=ess_plan(), number="1").save()
    saved, added, removed = page(client, kind="content_changed").context["entries"][:3]
    # simple-history keeps a record for the removals and another for the additions.
    assert (removed.what, removed.fields) == ("Changed action 2.2", [("Themes", before, "A")])
    assert (added.what, added.fields) == ("Changed action 2.2", [("Themes", "A", "A, C")])
    assert saved.what == "Saved outcome 1, changing nothing" and saved.fields == []


def test_a_change_in_words(db):
    """change_of compares a history record with the one before it (no database needed)."""
    record = Action.history.model

    def pair(before, after):
        base = {"id": 1, "history_type": "~", "number": "1.1", "lead": "A", "position": 1}
        return record(**{**base, **before}), record(**{**base, **after})

    now = timezone.now()
    prior, later = pair({}, {"lead": "B"})
    assert change_of(Action, later, prior) == ("Changed", [("Lead", "A", "B")])
    prior, later = pair({}, {"deleted_at": now})
    assert change_of(Action, later, prior) == ("Deleted", [])
    prior, later = pair({"deleted_at": now}, {})
    assert change_of(Action, later, prior) == ("Restored", [])
    prior, later = pair({}, {"position": 2})
    assert change_of(Action, later, prior) == ("Moved", [])
    prior, later = pair({}, {"version": 3})
    assert change_of(Action, later, prior) == ("Changed", [])  # bookkeeping is not shown
    prior, later = pair({}, {"outcome_id": 9})
    assert change_of(Action, later, prior) == ("Changed", [("Outcome", None, None)])
    assert change_of(Action, record(history_type="+"), None) == ("Added", [])


def one_of_each(staff):
    """A new entry from every source the page reads."""
    partnership = merton()
    plan = ess_plan()
    action = Action.objects.get(outcome__plan=plan, number="2.1")
    rating = RagRating.objects.for_partnership(partnership).first()
    audit.record(Kind.PACK_DOWNLOADED, user=staff, partnership=partnership, summary="x")
    ProgressUpdate.objects.create(action=action, rating=rating, commentary="Going", author=staff)
    with audit_user(staff):
        Priority.objects.create(plan=plan, title="A priority")
        Risk.objects.create(partnership=partnership, concern="A concern")
        for obj in [plan, plan.outcomes.first(), action, action.steps.first(), rating,
                    Group.objects.for_partnership(partnership).first(),
                    Theme.objects.for_partnership(partnership).first()]:  # fmt: skip
            obj.save()


@pytest.mark.both_databases  # query counts
def test_a_page_costs_the_same_queries_however_long_the_log(
    client_for, personas, django_assert_max_num_queries
):
    client = client_for("staff")
    staff = personas["staff"]
    counts = []
    for _ in range(2):
        action = Action.objects.get(outcome__plan=ess_plan(), number="1.1")
        for _ in range(60):
            action.save()
        AuditEvent.objects.bulk_create(
            AuditEvent(kind=Kind.SIGNED_IN, user=staff, summary="Signed in") for _ in range(200)
        )
        one_of_each(staff)
        # 19: with the menu's count of updates waiting for review.
        with django_assert_max_num_queries(19) as captured:
            response = page(client)
        sources = {source for source, _, _ in log_rows(merton())[:11]}
        assert len(sources) == 11, sources
        assert len(response.context["entries"]) == 50
        counts.append(len(captured))
    assert counts[0] == counts[1], "the query count must not grow with the log"


def test_changes_to_members_are_recorded(client_for, personas):
    client = client_for("staff")
    board = Membership.objects.get(user=personas["board"])
    ess = Group.objects.get(partnership__slug="merton", short_name="ESS")
    members = reverse("plans:members", args=["merton"])
    edit = reverse("plans:member_edit", args=["merton", board.pk])
    assert post_form(client, edit, role="chair", groups=[ess.pk])["Location"] == members
    post_form(client, edit, role="chair", groups=[ess.pk])  # no change: nothing recorded
    client.post(reverse("plans:member_remove", args=["merton", board.pk]))
    events = list(AuditEvent.objects.filter(kind__startswith="member_").order_by("at", "pk"))
    assert [e.kind for e in events] == ["member_changed", "member_removed"]
    changed, removed = events
    assert changed.detail["before"] == {"role": "Board member", "groups": []}
    assert changed.detail["now"] == {"role": "Chair or lead", "groups": ["ESS"]}
    assert changed.user == personas["staff"] and changed.partnership.slug == "merton"
    assert "board-persona" in removed.summary and "chair or lead, ESS" in removed.summary


def test_the_site_administrators_see_that_the_id_was_another_partnerships(client, personas):
    plan = medway_plan()
    client.force_login(personas["staff"])
    client.get(url("plans:plan", plan.pk))
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    page = client.get(reverse("admin:plans_auditevent_changelist"), {"kind": Kind.NOT_FOUND})
    html = page.content.decode()
    assert f"Asked for plan {plan.pk}: not found" in html
    assert 'alt="True"' in html  # the admin's "another partnership's" column
