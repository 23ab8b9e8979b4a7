"""Hypothesis settings for the property-based tests; importing this module loads them.

Two profiles, chosen with HYPOTHESIS_PROFILE:

- quick (the default, what scripts/test and CI run): 100 examples a property, 10 for those
  that touch the database. Reproducible: derandomize draws the same examples on every run
  (CI finds what a developer found), and no example database is written beside the checkout.
- thorough (nightly, README "Tests"): 5,000 examples a property and 500 for the database
  ones, drawn randomly, to hunt for new failures.

No deadline in either: these machines are shared and slow at times, and the parsers' speed
has tests of its own (*_quickly).
"""

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "quick", max_examples=100, derandomize=True, database=None, deadline=None, print_blob=True
)
settings.register_profile(
    "thorough", max_examples=5000, derandomize=False, database=None, deadline=None
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "quick"))

# For tests that touch the database: a tenth of the examples, each slower. The database
# fixtures are set up once per test, not per example: each example rolls back what it writes.
DATABASE = settings(
    max_examples=max(settings().max_examples // 10, 10),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
