from modeltranslation.translator import TranslationOptions, register

from space.models import SpaceOffer


@register(SpaceOffer)
class SpaceOfferTranslation(TranslationOptions):
    fields = ("name", "description")
