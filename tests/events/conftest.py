import pytest
from django.utils import translation

from tests.lifevalley.test_page_cache import clock  # noqa: F401 - the fixture, shared


@pytest.fixture(autouse=True)
def _english_by_default():
    """A request to /zh-hans/ leaves Chinese active in the thread; start and end in English."""
    translation.activate("en")
    yield
    translation.deactivate()
