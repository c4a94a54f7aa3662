from django import forms
from django.utils.translation import gettext_lazy as _

from portal.search_sections import SECTIONS


class SearchForm(forms.Form):
    """The filter of /search/: one kind of result (a section's key), or every kind.

    The query itself is not a field: ``clean_query`` makes any text a query (no 400 for it).
    """

    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[(section.key, section.title) for section in SECTIONS],
        error_messages={"invalid_choice": _("There is no such kind of result.")},
    )
