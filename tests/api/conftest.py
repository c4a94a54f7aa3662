import pytest


@pytest.fixture
def site_url(settings):
    settings.SITE_URL = "https://www.lifevalley.example"
    return settings.SITE_URL
