"""The two staff roles of the back office and exactly the permissions each one needs."""

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from lifevalley.content_apps import STAFF_CONTENT_APPS

EDITORS = "Editors"
PUBLISHERS = "Publishers"
# Staff who answer enquiries about space (personal data): Editors see none unless also here.
ENQUIRY_HANDLERS = "Enquiry handlers"
# Editors write drafts; Publishers also publish, unpublish and delete.
EDITOR_ACTIONS = ("view", "add", "change")
PUBLISHER_ACTIONS = ("view", "add", "change", "delete", "publish")
HANDLER_PERMISSIONS = {"enquiries": ("view_enquiry", "change_enquiry")}
# Publishers also set the open data licence (/data/), handle enquiries and export them.
PUBLISHER_EXTRA = {
    "opendata": ("view_licence", "change_licence"),
    "enquiries": ("view_enquiry", "change_enquiry", "export_enquiry"),
}


def content_permissions(actions):
    """Permissions on every model of the content apps whose action is one of ``actions``."""
    content_types = ContentType.objects.get_for_models(
        *(model for app in STAFF_CONTENT_APPS for model in apps.get_app_config(app).get_models())
    ).values()
    wanted = Permission.objects.none()
    for content_type in content_types:
        codenames = [f"{action}_{content_type.model}" for action in actions]
        wanted |= Permission.objects.filter(content_type=content_type, codename__in=codenames)
    return wanted


def named_permissions(by_app):
    """The permissions ``{app label: (codename, ...)}``."""
    wanted = Permission.objects.none()
    for app, codenames in by_app.items():
        wanted |= Permission.objects.filter(content_type__app_label=app, codename__in=codenames)
    return wanted


@transaction.atomic
def create_staff_groups():
    """Create or update the Editors, Publishers and Enquiry handlers groups; running it again
    changes nothing."""
    roles = {
        EDITORS: content_permissions(EDITOR_ACTIONS),
        PUBLISHERS: content_permissions(PUBLISHER_ACTIONS) | named_permissions(PUBLISHER_EXTRA),
        ENQUIRY_HANDLERS: named_permissions(HANDLER_PERMISSIONS),
    }
    groups = {}
    for name, permissions in roles.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.set(permissions)
        groups[name] = group
    return groups
