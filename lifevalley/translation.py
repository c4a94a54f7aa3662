from modeltranslation.translator import TranslationOptions, register

from lifevalley.models import KeyFigure, ParkProfile, Sector


@register(KeyFigure)
class KeyFigureTranslation(TranslationOptions):
    fields = ("label", "unit", "value_text", "source")


@register(ParkProfile)
class ParkProfileTranslation(TranslationOptions):
    fields = ("name", "short_name", "tagline", "introduction", "contact_organisation", "address")


@register(Sector)
class SectorTranslation(TranslationOptions):
    fields = ("name", "description")
