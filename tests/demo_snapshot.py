"""The demo data, loaded once per test process and copied into the database where a test
needs it.

load_demo() reads the YAML fixtures, parses every lead and timeframe and writes history
records: a second or more each time, and the suite needs the demo in about thirty modules,
in the browser tests and in the backup tests. So each process (each pytest-xdist worker)
runs the real load_demo() once, in a transaction it rolls back, and keeps every row it wrote
(take_snapshot). restore_demo() writes those rows again, as they were (ids, timestamps and
history records included), one INSERT per table: a few milliseconds.

What a test sees is what load_demo() writes, and isolation is unchanged: conftest's `demo`
fixture restores inside the module's transaction, rolled back at its end; the browser and
backup tests restore committed rows, which their transactional database empties after each
test. tests/test_demo_data.py still runs load_demo() itself where loading is what it tests.
"""

from dataclasses import dataclass

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction

from ops.demo import LoadReport, load_demo
from plans.models import Plan


@dataclass
class Snapshot:
    rows: list[tuple[type, list]]  # (model, its instances), every table load_demo() writes
    plan_pks: list[int]  # load_demo()'s report, in its order


def concrete_models() -> list[type]:
    models = []
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        # Rows are written back table by table from local fields: no multi-table inheritance.
        assert not meta.parents, f"{meta.label} inherits a table: restore_demo() cannot copy it"
        models.append(model)
    return models


def take_snapshot() -> Snapshot:
    """Run load_demo() in a transaction that is rolled back, keeping every row it wrote."""
    models = concrete_models()
    with transaction.atomic():
        existing = {m: set(m._base_manager.values_list("pk", flat=True)) for m in models}
        report = load_demo()
        rows = []
        for model in models:
            new = [o for o in model._base_manager.order_by("pk") if o.pk not in existing[model]]
            if new:
                rows.append((model, new))
        transaction.set_rollback(True)
    return Snapshot(rows=rows, plan_pks=[plan.pk for plan in report.plans])


@transaction.atomic
def restore_demo(snapshot: Snapshot) -> LoadReport:
    """Write the snapshot's rows into the database, as load_demo() wrote them.

    Raw inserts, as loaddata makes (no save(), no signals, no auto_now): the history records
    are rows of the snapshot, and timestamps stay as they were. Foreign keys are checked at
    the commit (Django declares them deferrable), so the order of the tables does not matter.
    """
    for model, objs in snapshot.rows:
        fields = model._meta.local_concrete_fields
        batch = max(connection.ops.bulk_batch_size(fields, objs), 1)
        for start in range(0, len(objs), batch):
            model._base_manager._insert(objs[start : start + batch], fields=fields, raw=True)
    # PostgreSQL's sequences did not see the ids written: move them past the rows.
    statements = connection.ops.sequence_reset_sql(no_style(), [m for m, _ in snapshot.rows])
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
    plans = Plan.objects.in_bulk(snapshot.plan_pks)
    return LoadReport(plans=[plans[pk] for pk in snapshot.plan_pks])
