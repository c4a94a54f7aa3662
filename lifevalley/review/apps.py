from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    """Editors' changes to public content waiting for a Publisher, and the versions of every
    content object (django-reversion) that the history pages and restore read."""

    name = "lifevalley.review"
    label = "review"
    verbose_name = _("Review and history")

    def ready(self):
        import reversion
        from django.db.models.signals import pre_save

        from lifevalley.history import keep_baseline

        # The content models and the inline rows each one's form edits with it (followed,
        # so a version holds them all and a restore brings them back).
        versioned = {
            "zones.Zone": (), "zones.Project": (), "directory.Organisation": (),
            "events.Event": ("speakers",), "events.Speaker": (),
            "lifevalley.KeyFigure": (), "lifevalley.ParkProfile": (), "space.SpaceOffer": (),
        }
        for label, follow in versioned.items():
            model = self.apps.get_model(label)
            if not reversion.is_registered(model):
                reversion.register(model, follow=follow)
            pre_save.connect(keep_baseline, sender=model, dispatch_uid=f"history:{label}")
