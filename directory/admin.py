import io

from django import forms
from django.contrib import admin, messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin

from directory import csv_io
from directory.models import Organisation
from lifevalley import history
from lifevalley.admin import (
    BadAdminQuery,
    PublishableAdmin,
    can_publish,
    image_preview,
)
from lifevalley.review import changes as review
from lifevalley.review.workflow import review_waiting_message

# The uploaded file waits for confirmation inside the preview page itself: a signed,
# compressed token (django.core.signing) holding the file's text and the uploader's id. The
# server keeps nothing between the two steps (no temp files, sessions or cache to clean up,
# and any worker can take the confirm request), the token cannot be altered without breaking
# its signature, it expires after IMPORT_TOKEN_MAX_AGE, and confirming validates every row
# again inside the transaction, so a change made meanwhile cannot slip through.
IMPORT_TOKEN_SALT = "directory.organisation-import"  # noqa: S105 - a namespace, not a secret
IMPORT_TOKEN_MAX_AGE = 60 * 60


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8, with or without a byte order mark; at most 5 MB."),
    )


class ImportConfirmForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)


class ListedFilter(admin.SimpleListFilter):
    title = _("listed")
    parameter_name = "listed"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(is_listed=self.value() == "yes")
        return queryset


@admin.register(Organisation)
class OrganisationAdmin(PublishableAdmin, TranslationAdmin):
    list_display = (
        "name",
        "kind",
        "zone",
        "listed",
        "is_unicorn",
        "is_featured",
        "is_published",
        "logo_thumbnail",
    )
    list_filter = (
        "is_published",
        "kind",
        "zone",
        ListedFilter,
        "is_unicorn",
        "is_featured",
        "has_production_plant",
        "sectors",
    )
    list_select_related = ("zone",)
    list_per_page = 50
    search_fields = ("name_en", "name_zh_hans", "slug", "summary_en", "stock_ticker")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("sectors", "zone")
    readonly_fields = ("logo_preview",)
    actions = [
        *PublishableAdmin.actions,
        "feature_selected",
        "unfeature_selected",
        "export_selected",
    ]
    change_list_template = "directory/admin/organisation_change_list.html"
    fieldsets = (
        (None, {"fields": ("name", "slug", "kind", "summary", "description")}),
        (_("Place and sectors"), {"fields": ("zone", "sectors", "address")}),
        (_("Logo"), {"fields": ("logo", "logo_alt", "logo_preview")}),
        (_("Contact"), {"fields": ("website", "email", "phone")}),
        (
            _("Facts"),
            {
                "fields": (
                    "founded_year",
                    "is_unicorn",
                    ("stock_exchange", "stock_ticker"),
                    "has_production_plant",
                    "hospital_beds",
                    "is_featured",
                )
            },
        ),
        PublishableAdmin.publication_fieldset,
    )

    @admin.display(description=_("listed"), boolean=True, ordering="is_listed")
    def listed(self, obj):
        return obj.is_listed

    @admin.display(description=_("logo"))
    def logo_thumbnail(self, obj):
        return image_preview(obj.logo, obj.logo_alt, height=40)

    @admin.display(description=_("preview"))
    def logo_preview(self, obj):
        return image_preview(obj.logo, obj.logo_alt, height=120)

    @admin.action(description=_("Feature selected organisations on the home page"),
                  permissions=["change"])
    def feature_selected(self, request, queryset):
        self._set_featured(request, queryset, True)

    @admin.action(description=_("Stop featuring selected organisations"), permissions=["change"])
    def unfeature_selected(self, request, queryset):
        self._set_featured(request, queryset, False)

    def _set_featured(self, request, queryset, value):
        history.set_route("feature" if value else "unfeature")
        with transaction.atomic():
            rows = list(Organisation.objects.filter(pk__in=queryset.values("pk"))
                        .exclude(is_featured=value).select_for_update())
            waiting = [o for o in rows if self.needs_review(request, o)]
            for organisation in waiting:  # published: a Publisher decides
                organisation.is_featured = value
                review.propose(request.user, organisation, fields=["is_featured"],
                               route="feature" if value else "unfeature")
            direct = [o.pk for o in rows if o not in waiting]
            changed = Organisation.objects.filter(pk__in=direct).update(
                is_featured=value, updated_at=timezone.now()
            )
            for organisation in Organisation.objects.filter(pk__in=direct):
                history.add(organisation)  # an UPDATE sends no signal
        message = ngettext("%(count)d organisation updated.", "%(count)d organisations updated.",
                           changed)
        self.message_user(request, message % {"count": changed}, messages.SUCCESS)
        if waiting:
            self.message_user(request, review_waiting_message(len(waiting)), messages.WARNING)

    @admin.action(description=_("Export selected organisations as CSV"), permissions=["view"])
    def export_selected(self, request, queryset):
        return self.csv_response(queryset)

    # CSV export and import

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path("export/", self.admin_site.admin_view(self.export_view),
                 name=f"{prefix}_export"),
            path("import/", self.admin_site.admin_view(self.import_view),
                 name=f"{prefix}_import"),
            *super().get_urls(),
        ]

    def csv_response(self, queryset):
        output = io.StringIO()
        csv_io.write_csv(csv_io.export_queryset(queryset).iterator(chunk_size=2000), output)
        response = HttpResponse(output.getvalue(), content_type="text/csv; charset=utf-8")
        filename = f"organisations-{timezone.localdate():%Y-%m-%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def export_view(self, request):
        """Everything the change list shows with its current filters and search, as CSV."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        try:
            queryset = self.get_changelist_instance(request).get_queryset(request)
        except BadAdminQuery as error:
            return self.bad_query_response(request, error)
        return self.csv_response(queryset)

    def changelist_view(self, request, extra_context=None):
        extra_context = {"has_import_permission": self.has_import_permission(request),
                         **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    def has_import_permission(self, request):
        return self.has_add_permission(request) and self.has_change_permission(request)

    def import_view(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        publish = can_publish(request, self.model)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Import organisations from CSV"),
            "columns": csv_io.COLUMN_NAMES,
            "required_columns": csv_io.REQUIRED_COLUMNS,
            "yes_no_columns": csv_io.YES_NO_COLUMNS,
            "sector_separator": csv_io.SECTOR_SEPARATOR,
            "kind_choices": Organisation.Kind.choices,
            "can_publish": publish,
            "upload_form": ImportUploadForm(),
        }
        if request.method == "POST" and "token" in request.POST:
            return self._confirm_import(request, context, publish)
        if request.method == "POST":
            form = ImportUploadForm(request.POST, request.FILES)
            context["upload_form"] = form
            if form.is_valid():
                data = form.cleaned_data["file"].read(csv_io.MAX_IMPORT_BYTES + 1)
                try:
                    report = csv_io.preview_import(data, can_publish=publish)
                except csv_io.ImportFileError as error:
                    form.add_error("file", str(error))
                else:
                    context["report"] = report
                    if report.is_valid:
                        token = signing.dumps(
                            {"user": request.user.pk, "csv": data.decode("utf-8-sig")},
                            salt=IMPORT_TOKEN_SALT,
                            compress=True,
                        )
                        context["confirm_form"] = ImportConfirmForm(initial={"token": token})
        return TemplateResponse(request, "directory/admin/organisation_import.html", context)

    def _confirm_import(self, request, context, publish):
        form = ImportConfirmForm(request.POST)
        try:
            if not form.is_valid():
                raise signing.BadSignature
            payload = signing.loads(
                form.cleaned_data["token"], salt=IMPORT_TOKEN_SALT, max_age=IMPORT_TOKEN_MAX_AGE
            )
            if payload["user"] != request.user.pk:
                raise signing.BadSignature
        except signing.SignatureExpired:
            self.message_user(request, _("The preview expired. Upload the file again."),
                              messages.ERROR)
            return redirect("admin:directory_organisation_import")
        except signing.BadSignature:
            self.message_user(request, _("The import could not be confirmed. Upload the file "
                                         "again."), messages.ERROR)
            return redirect("admin:directory_organisation_import")
        try:
            with history.recording(request, "import"):
                report = csv_io.run_import(payload["csv"].encode(), can_publish=publish,
                                           user=request.user)
        except csv_io.ImportFileError as error:  # cannot happen for a file that passed preview
            self.message_user(request, str(error), messages.ERROR)
            return redirect("admin:directory_organisation_import")
        if not report.saved:
            context["report"] = report
            context["changed_since_preview"] = True
            return TemplateResponse(request, "directory/admin/organisation_import.html", context)
        self.message_user(
            request,
            _("Import done: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.")
            % {"created": report.created, "updated": report.updated,
               "unchanged": report.unchanged},
            messages.SUCCESS,
        )
        if report.waiting:
            self.message_user(request, review_waiting_message(report.waiting), messages.WARNING)
        return redirect(reverse("admin:directory_organisation_changelist"))
