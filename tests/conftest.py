import io
import threading
import weakref

import pytest
from django.db import transaction
from django.db.backends.signals import connection_created
from pypdf import PdfWriter

from plans.models import Group, Membership, Partnership
from tests.demo_snapshot import restore_demo, take_snapshot
from tests.factories import UserFactory

PASSWORD = "correct-horse-battery"


# Every database connection this process opens (see django_db_setup below).
OPENED = weakref.WeakSet()
connection_created.connect(
    lambda sender, connection, **kwargs: OPENED.add(connection), weak=False, dispatch_uid="opened"
)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """pytest-django's, but every connection of this thread is closed before the test
    database is dropped.

    While the browser tests' Playwright (its sync API) is running, an asyncio event loop runs
    in this thread, and Django's connections (asgiref's Local) are then kept apart from those
    made without one. So this thread can hold two connections to the test database;
    pytest-django's teardown closes the one it sees, and PostgreSQL refused to drop a
    database another session was using (now and then, depending on which tests ran last)."""
    yield
    for connection in list(OPENED):
        if connection._thread_ident == threading.get_ident():
            connection.close()


@pytest.fixture(scope="session")
def demo_snapshot(django_db_setup, django_db_blocker):
    """Every row load_demo() writes, loaded once per test process (tests/demo_snapshot.py):
    restore_demo(it) writes them into the database in milliseconds."""
    with django_db_blocker.unblock():
        return take_snapshot()


@pytest.fixture(scope="module")
def demo(demo_snapshot, django_db_blocker):
    """The demo partnerships with the three seed plans, as scripts/serve loads them.

    Written once per module (copied from demo_snapshot) inside a transaction that is rolled
    back when the module ends; each test runs in a savepoint of it (pytest-django's db
    fixture), so tests stay apart.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield restore_demo(demo_snapshot)
        transaction.set_rollback(True)


@pytest.fixture
def personas(demo, db):
    """The people every view is tested for, on the demo data (Merton; outsider is Medway):

    staff   – Merton business support staff
    chair   – Merton chair of the ESS subgroup (owns the ESS work plan)
    board   – Merton board member
    outsider – Medway business support staff: sees nothing of Merton's
    anonymous – None
    """
    merton = Partnership.objects.get(slug="merton")
    medway = Partnership.objects.get(slug="medway")
    users = {}
    for name, partnership, role in [
        ("staff", merton, Membership.Role.STAFF),
        ("chair", merton, Membership.Role.CHAIR),
        ("board", merton, Membership.Role.BOARD),
        ("outsider", medway, Membership.Role.STAFF),
    ]:
        user = UserFactory(username=f"{name}-persona", first_name=name.capitalize())
        membership = Membership.objects.create(user=user, partnership=partnership, role=role)
        if name == "chair":
            membership.groups.add(Group.objects.get(partnership=merton, short_name="ESS"))
        users[name] = user
    users["anonymous"] = None
    return users


@pytest.fixture
def client_for(client, personas):
    """client_for("chair") is a test client signed in as that persona (anonymous: not)."""

    def sign_in(name):
        client.logout()
        if personas[name] is not None:
            client.force_login(personas[name])
        return client

    return sign_in


@pytest.fixture(scope="session")
def blank_pdf() -> bytes:
    """A valid one-page PDF (A4 landscape, blank), made in a millisecond."""
    writer = PdfWriter()
    writer.add_blank_page(width=842, height=595)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture
def stub_pdf_render(blank_pdf):
    """WeasyPrint's render (reporting.pdf.html_to_pdf, which every PDF goes through) returns
    blank_pdf: for tests of who may have a PDF, where it is kept and how it is served, not of
    what it says. A real render takes a second or more; the pack and its HTML are still built.
    tests/test_pdf.py and the tests that read a PDF's text render for real.

    Yields the HTML of each render asked for. Its own MonkeyPatch, so that a test's
    monkeypatch.undo() leaves it in place.
    """
    rendered = []

    def render(html, **options):
        rendered.append(html)
        return blank_pdf

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("reporting.pdf.html_to_pdf", render)
        yield rendered


@pytest.hookimpl(trylast=True)  # after pytest-django's, which puts them after the db tests
def pytest_collection_modifyitems(items):
    """The browser tests first: they are the slowest files (the accessibility scans alone take
    most of a minute), so that on several workers (scripts/test: --dist loadfile) they start
    at once instead of leaving one worker busy at the end. Otherwise the order is kept."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is None)
