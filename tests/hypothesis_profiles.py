"""Hypothesis settings for the property-based tests; importing this module loads them.

Reproducible: derandomize draws the same examples on every run (CI finds what a developer
found), and no example database is written beside the checkout. No deadline: these machines
are shared and slow at times, and the parsers' speed has tests of its own (*_quickly).
HYPOTHESIS_PROFILE=thorough runs many more examples, randomly, to hunt for new failures.
"""

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "mscp", max_examples=200, derandomize=True, database=None, deadline=None, print_blob=True
)
settings.register_profile(
    "thorough", max_examples=5000, derandomize=False, database=None, deadline=None
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "mscp"))

# For tests that touch the database: fewer examples, each slower. The database fixtures are
# set up once per test, not per example: each example rolls back what it writes itself.
DATABASE = settings(
    max_examples=min(settings().max_examples, 50),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
