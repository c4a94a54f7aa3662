from modeltranslation.translator import TranslationOptions, register

from zones.models import Project, Zone


@register(Zone)
class ZoneTranslation(TranslationOptions):
    fields = ("name", "tagline", "description", "image_alt")


@register(Project)
class ProjectTranslation(TranslationOptions):
    fields = ("name", "description", "image_alt")
