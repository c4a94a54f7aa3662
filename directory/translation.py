from modeltranslation.translator import TranslationOptions, register

from directory.models import Organisation, Sector


@register(Sector)
class SectorTranslation(TranslationOptions):
    fields = ("name", "description")


@register(Organisation)
class OrganisationTranslation(TranslationOptions):
    fields = ("name", "summary", "description", "address", "logo_alt")
