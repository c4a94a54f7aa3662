from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lifevalley import history
from lifevalley.admin import HostileQueryGuardMixin
from lifevalley.review import changes
from lifevalley.review.models import PendingChange


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for rejecting (the Editor sees it)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


@admin.register(PendingChange)
class PendingChangeAdmin(HostileQueryGuardMixin, admin.ModelAdmin):
    """What Editors proposed: every staff member sees it, Publishers publish or reject."""

    list_display = ("object_repr", "content_type", "author", "created_at", "status",
                    "reviewer", "reason")
    list_filter = ("status", "content_type")
    list_select_related = ("content_type", "author", "reviewer")
    search_fields = ("object_repr", "reason")

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        pending = PendingChange.objects.select_related("author", "reviewer", "content_type") \
            .filter(pk=unquote(object_id)).first() if object_id.isdigit() else None
        if pending is None:
            raise Http404
        if not self.has_view_permission(request, pending):
            raise PermissionDenied
        may_review = changes.may_publish(request.user, pending.model)
        reject_form = RejectForm()
        if request.method == "POST":
            if not may_review:
                raise PermissionDenied
            if "_publish" in request.POST:
                if changes.publish(pending, request):
                    self.message_user(request, gettext("The change is published."),
                                      messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:review_pendingchange_changelist"))
            reject_form = RejectForm(request.POST)
            if reject_form.is_valid():
                changes.reject(pending, request, reject_form.cleaned_data["reason"])
                self.message_user(request, gettext("The change is rejected; its author sees "
                                                   "why."), messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:review_pendingchange_changelist"))
        live = pending.live_object()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Review: %(object)s") % {"object": pending.object_repr},
            "pending": pending,
            "live": live,
            "rows": compare_with_live(pending, live) if live is not None else [],
            "inlines": inline_rows(pending),
            "may_review": may_review and pending.status == PendingChange.Status.WAITING,
            "reject_form": reject_form,
            "object_url": _admin_url(pending, live),
        }
        return TemplateResponse(request, "review/pendingchange_review.html", context,
                                status=400 if reject_form.errors else 200)


def compare_with_live(pending, live):
    """(label, live now, proposed, live when proposed) for each field the Editor changed."""
    model = type(live)
    live_values = history.stored_values(live)
    proposed_values = live_values | pending.changes.get("fields", {})
    before_values = live_values | pending.before.get("fields", {})
    rows = []
    for kind in ("fields", "m2m"):
        for name, proposed in pending.changes.get(kind, {}).items():
            field = model._meta.get_field(name)
            now = (sorted(getattr(live, name).values_list("pk", flat=True))
                   if kind == "m2m" else changes.encode(field, live))
            rows.append((
                history.field_label(model, name),
                history.display(model, name, now, live_values),
                history.display(model, name, proposed, proposed_values),
                history.display(model, name, pending.before.get(kind, {}).get(name),
                                before_values),
            ))
    return rows


def inline_rows(pending):
    from django.apps import apps

    rows = []
    for inline in pending.changes.get("inlines", []):
        model = apps.get_model(inline["model"])
        for row in inline["rows"]:
            values = [(history.field_label(model, n), history.display(model, n, v))
                      for n, v in row["fields"].items()]
            title = row["repr"] if row["pk"] else gettext("New: %(row)s") % {"row": row["repr"]}
            rows.append((model._meta.verbose_name, title, values))
        for pk in inline["deleted"]:
            item = model._base_manager.filter(pk=pk).first()
            rows.append((model._meta.verbose_name,
                         gettext("Removed: %(row)s") % {"row": item or pk}, []))
    return rows


def _admin_url(pending, live):
    if live is None:
        return ""
    opts = live._meta
    try:
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[live.pk])
    except NoReverseMatch:
        return ""
