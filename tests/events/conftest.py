import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english_by_default():
    """A request to /zh-hans/ leaves Chinese active in the thread; start and end in English."""
    translation.activate("en")
    yield
    translation.deactivate()
