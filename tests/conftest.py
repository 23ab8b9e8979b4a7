import pytest

from reporting.demo import load_demo


@pytest.fixture
def demo(db):
    """The demo partnerships with the three seed plans, as scripts/serve loads them."""
    return load_demo()
