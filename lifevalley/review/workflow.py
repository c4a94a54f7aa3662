"""The ModelAdmin side of review and history, mixed into every content admin."""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from reversion.models import Version

from lifevalley import history
from lifevalley.review import changes
from lifevalley.review.models import PendingChange


def review_waiting_message(count):
    return ngettext(
        "%(count)d published item changed: the change waits for a Publisher's review; the "
        "public keeps seeing the published version.",
        "%(count)d published items changed: the changes wait for a Publisher's review; the "
        "public keeps seeing the published versions.",
        count,
    ) % {"count": count}


class HistoryMixin:
    """Every write is a version: the change form, list edits and actions record who changed
    which field; the history page shows it and whoever may make the change live restores an
    earlier version. For models whose changes need no review (the taxonomy, venues); the
    content admins add the review on top (``ReviewedChangesMixin``)."""

    history_shown = 10
    object_history_template = "review/object_history.html"
    change_form_template = "admin/publishable_change_form.html"

    def may_restore(self, request, obj):
        """A restore is a change that goes live at once: whoever may make one."""
        return self.has_change_permission(request, obj)

    # Every write is recorded ---------------------------------------------------------------

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method != "POST":
            return super().changeform_view(request, object_id, form_url, extra_context)
        with history.recording(request, "form" if object_id else "add"):
            return super().changeform_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        if request.method != "POST":
            return super().changelist_view(request, extra_context)
        with history.recording(request, "list"):
            return super().changelist_view(request, extra_context)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        history.add(form.instance)  # with its inline rows as they are now

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        context = dict(extra_context or {})
        if obj is not None:
            context.update(self.object_context(obj))
        return super().change_view(request, object_id, form_url, context)

    def object_context(self, obj):
        """What the change form shows about the object's past: its latest changes."""
        return {"change_history": history.entries(obj)[: self.history_shown]}

    # History and restore -------------------------------------------------------------------

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path("<path:object_id>/history/<int:version_id>/restore/",
                 self.admin_site.admin_view(self.restore_view), name=f"{name}_restore"),
            *super().get_urls(),
        ]

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": _("History: %(object)s") % {"object": obj},
            "subtitle": None,
            "opts": self.opts,
            "object": obj,
            "entries": history.entries(obj),
            "can_restore": self.may_restore(request, obj),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.object_history_template, context)

    def restore_view(self, request, object_id, version_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if not self.may_restore(request, obj):
            raise PermissionDenied
        version = get_object_or_404(Version.objects.get_for_object(obj), pk=version_id)
        history.restore(request, obj, version)
        self.message_user(request, gettext(
            "“%(object)s” is back to the version of %(time)s."
        ) % {"object": obj, "time": formats.date_format(
            timezone.localtime(version.revision.date_created), "DATETIME_FORMAT")},
            messages.SUCCESS)
        return HttpResponseRedirect(
            reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_history",
                    args=[obj.pk])
        )


class ReviewedChangesMixin(HistoryMixin):
    """An Editor's change to a live object waits for a Publisher; every write is a version.

    The change form, list edits (``list_editable``) and inlines all go through
    ``save_model``/``save_related``: for a live object and a user who may not publish, they
    keep the change as a ``PendingChange`` instead of saving. List actions and imports ask
    ``needs_review()`` per object and call ``changes.propose()``.
    """

    def needs_review(self, request, obj):
        return changes.needs_review(request.user, obj)

    def may_restore(self, request, obj):
        return (self.has_change_permission(request, obj)
                and changes.may_publish(request.user, self.model))

    # Live objects: the Editor's change waits ------------------------------------------------

    def save_model(self, request, obj, form, change):
        if change and self.needs_review(request, obj):
            form.waits_for_review = True
            return
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        if getattr(form, "waits_for_review", False):
            from_list = request.resolver_match.url_name.endswith("_changelist")
            pending = changes.propose_from_form(request.user, form.instance, form, formsets,
                                                route="list" if from_list else "form")
            form.instance.pending_change = pending
            for formset in formsets:  # what construct_change_message() reads: nothing saved
                formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            self.message_user(request, self.waiting_message(form.instance, pending),
                              messages.WARNING if pending else messages.INFO)
            return
        super().save_related(request, form, formsets, change)

    def waiting_message(self, obj, pending):
        if pending is None:
            return gettext("Nothing was changed.")
        return gettext(
            "Your change to “%(object)s” waits for a Publisher's review. The public keeps "
            "seeing the published version until it is published."
        ) % {"object": obj}

    def log_change(self, request, obj, message):
        if hasattr(obj, "pending_change"):
            return None  # nothing changed; the proposal is in the history
        return super().log_change(request, obj, message)

    def response_change(self, request, obj):
        if hasattr(obj, "pending_change"):
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    # What waits, on the object -------------------------------------------------------------

    def object_context(self, obj):
        return {
            **super().object_context(obj),
            "pending_changes": list(
                PendingChange.objects.for_object(obj).filter(
                    status__in=[PendingChange.Status.WAITING, PendingChange.Status.REJECTED]
                ).select_related("author", "reviewer")[:10]
            ),
        }
