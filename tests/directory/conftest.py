import pytest
from django.contrib.auth.models import Permission

DIRECTORY_ACTIONS = ("view", "add", "change")


def directory_permissions(*actions):
    codenames = [f"{action}_{model}" for action in actions for model in ("organisation",)]
    codenames += ["view_sector", "view_zone"]
    return Permission.objects.filter(codename__in=codenames)


@pytest.fixture
def editor(django_user_model):
    """May add and change organisations, but not publish them."""
    user = django_user_model.objects.create_user("editor", password="x" * 16, is_staff=True)
    user.user_permissions.set(directory_permissions(*DIRECTORY_ACTIONS))
    return user


@pytest.fixture
def publisher(django_user_model):
    user = django_user_model.objects.create_user("publisher", password="x" * 16, is_staff=True)
    user.user_permissions.set(directory_permissions(*DIRECTORY_ACTIONS, "publish", "delete"))
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def publisher_client(client, publisher):
    client.force_login(publisher)
    return client
