from modeltranslation.translator import TranslationOptions, register

from events.models import Event, EventCategory, EventChange, Speaker, Venue


@register(EventCategory)
class EventCategoryTranslation(TranslationOptions):
    fields = ("name",)


@register(Venue)
class VenueTranslation(TranslationOptions):
    fields = ("name", "address")


@register(Event)
class EventTranslation(TranslationOptions):
    fields = ("title", "summary", "description", "image_alt")


@register(Speaker)
class SpeakerTranslation(TranslationOptions):
    fields = ("role", "affiliation", "talk_title")


@register(EventChange)
class EventChangeTranslation(TranslationOptions):
    fields = ("reason",)
