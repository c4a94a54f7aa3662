"""The two staff roles of the back office and exactly the permissions each one needs."""

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

EDITORS = "Editors"
PUBLISHERS = "Publishers"
CONTENT_APPS = ("lifevalley", "zones", "directory", "events", "space")
# Editors write drafts; Publishers also publish, unpublish and delete.
EDITOR_ACTIONS = ("view", "add", "change")
PUBLISHER_ACTIONS = ("view", "add", "change", "delete", "publish")
# Publishers also set the licence of the open data downloads (/data/).
PUBLISHER_EXTRA = {"opendata": ("view_licence", "change_licence")}


def content_permissions(actions):
    """Permissions on every model of the content apps whose action is one of ``actions``."""
    content_types = ContentType.objects.get_for_models(
        *(model for app in CONTENT_APPS for model in apps.get_app_config(app).get_models())
    ).values()
    wanted = Permission.objects.none()
    for content_type in content_types:
        codenames = [f"{action}_{content_type.model}" for action in actions]
        wanted |= Permission.objects.filter(content_type=content_type, codename__in=codenames)
    return wanted


@transaction.atomic
def create_staff_groups():
    """Create or update the Editors and Publishers groups; running it again changes nothing."""
    groups = {}
    for name, actions in ((EDITORS, EDITOR_ACTIONS), (PUBLISHERS, PUBLISHER_ACTIONS)):
        group, _created = Group.objects.get_or_create(name=name)
        permissions = content_permissions(actions)
        if name == PUBLISHERS:
            for app, codenames in PUBLISHER_EXTRA.items():
                permissions |= Permission.objects.filter(
                    content_type__app_label=app, codename__in=codenames
                )
        group.permissions.set(permissions)
        groups[name] = group
    return groups
