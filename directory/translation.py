from modeltranslation.translator import TranslationOptions, register

from directory.models import Organisation


@register(Organisation)
class OrganisationTranslation(TranslationOptions):
    fields = ("name", "summary", "description", "address", "logo_alt")
