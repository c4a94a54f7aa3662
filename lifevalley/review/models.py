from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _


class PendingChangeQuerySet(models.QuerySet):
    def waiting(self):
        return self.filter(status=PendingChange.Status.WAITING)

    def for_object(self, obj):
        return self.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
        )


class PendingChange(models.Model):
    """An Editor's change to a live object, kept aside until a Publisher publishes or rejects it.

    ``changes`` holds only what the Editor changed, each value as the field stores it (JSON):
    ``{"fields": {name: value}, "m2m": {name: [pk, ...]}, "inlines": [...]}``; ``before`` the
    live values of the same fields when it was proposed (what the history shows it replaced).
    """

    class Status(models.TextChoices):
        WAITING = "waiting", _("waiting for review")
        PUBLISHED = "published", _("published")
        REJECTED = "rejected", _("rejected")

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.CharField(max_length=64)
    target = GenericForeignKey("content_type", "object_id")
    object_repr = models.CharField(_("object"), max_length=250)
    route = models.CharField(_("made through"), max_length=30)
    changes = models.JSONField(encoder=DjangoJSONEncoder)
    before = models.JSONField(encoder=DjangoJSONEncoder, default=dict)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
        related_name="proposed_changes", verbose_name=_("proposed by"),
    )
    created_at = models.DateTimeField(_("proposed"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.WAITING
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="reviewed_changes", verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reason = models.TextField(_("reason for rejecting"), blank=True)

    objects = PendingChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "status"])]
        verbose_name = _("change for review")
        verbose_name_plural = _("changes for review")

    def __str__(self):
        return self.object_repr

    @property
    def model(self):
        return self.content_type.model_class()

    def live_object(self):
        return self.model._base_manager.filter(pk=self.object_id).first()
