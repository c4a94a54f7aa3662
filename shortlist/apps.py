from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShortlistConfig(AppConfig):
    name = "shortlist"
    verbose_name = _("Personal shortlists")
