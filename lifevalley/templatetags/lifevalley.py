import json
import re

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.templatetags.static import static
from django.utils import dateformat
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from modeltranslation.utils import build_localized_fieldname

from lifevalley import images
from lifevalley.images import fallback_extension, rendition_name, rendition_widths
from lifevalley.search import query_terms

register = template.Library()


@register.filter
def highlight(text, query):
    """Escape ``text`` and wrap each word of ``query`` found in it in <mark>."""
    text = "" if text is None else str(text)
    terms = sorted(set(query_terms(query or "")), key=len, reverse=True)
    if not terms:
        return escape(text)
    pattern = re.compile("|".join(re.escape(term) for term in terms), re.IGNORECASE)
    pieces = []
    position = 0
    for match in pattern.finditer(text):
        pieces.append(escape(text[position : match.start()]))
        pieces.append(f"<mark>{escape(match.group(0))}</mark>")
        position = match.end()
    pieces.append(escape(text[position:]))
    return mark_safe("".join(pieces))  # noqa: S308 - every piece is escaped above


@register.simple_tag
def picture(file, width, height, alt, sizes="100vw", css_class="", loading="lazy"):
    """A <picture> of an uploaded image: WebP renditions, a JPEG/PNG fallback, known size."""
    if not file or not width or not height:
        return ""
    storage = file.storage
    widths = rendition_widths(width)
    fallback = fallback_extension(file.name)

    def srcset(extension):
        return ", ".join(
            f"{storage.url(rendition_name(file.name, w, extension))} {w}w" for w in widths
        )

    largest = widths[-1]
    return format_html(
        '<picture><source type="image/webp" srcset="{}" sizes="{}">'
        '<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}"{}{}></picture>',
        srcset("webp"),
        sizes,
        storage.url(rendition_name(file.name, largest, fallback)),
        srcset(fallback),
        sizes,
        largest,
        round(height * largest / width),
        alt,
        format_html(' class="{}"', css_class) if css_class else "",
        format_html(' loading="{}"', loading) if loading else "",
    )


_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag
def json_ld(data):
    """schema.org data as a <script type="application/ld+json">, safe from </script> tricks."""
    if not data:
        return ""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(text.translate(_JSON_SCRIPT_ESCAPES)),  # noqa: S308 - escaped above
    )


@register.simple_tag(takes_context=True)
def absolute_url(context, path):
    """An absolute URL on the public site, for link previews and structured data."""
    if not path:
        return ""
    if path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL + path


@register.simple_tag
def largest_rendition_url(file, width):
    return images.largest_rendition_url(file, width)


@register.filter
def tel_href(phone):
    """The E.164 form of a phone number for a ``tel:`` link: "+86-010-61703008" becomes
    "+861061703008" (the trunk 0 written after the country code is not dialled from abroad)."""
    phone = (phone or "").strip()
    digits = re.sub(r"\D", "", phone)
    written = re.match(r"\+(\d{1,3})\D+(.*)", phone)  # +CC, a separator, the national number
    if not written:
        return f"+{digits}" if phone.startswith("+") else digits
    country, national = written.group(1), re.sub(r"\D", "", written.group(2))
    if national.startswith("0") and country != "39":  # Italy dials its leading 0
        national = national[1:]
    return f"+{country}{national}"


@register.filter
def fallback_lang(obj, field):
    """' lang="en"' for an element showing ``obj.field`` when the page's language has no text
    of its own there and the English one shows instead (modeltranslation's fallback)."""
    language = get_language()
    if not language or language == settings.MODELTRANSLATION_DEFAULT_LANGUAGE or obj is None:
        return ""
    if getattr(obj, build_localized_fieldname(field, language), None):
        return ""
    default = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
    if getattr(obj, build_localized_fieldname(field, default), None):
        return format_html(' lang="{}"', default)
    return ""


# How each language writes a range of days, by what the two dates share:
# (start format, separator, end format).
DATE_RANGES = {
    "en": {
        "month": ("j", "–", "j F Y"),  # 7–8 December 2023
        "year": ("j F", " – ", "j F Y"),  # 30 November – 2 December 2023
        "none": ("j F Y", " – ", "j F Y"),
    },
    "zh-hans": {
        "month": ("Y年n月j日", "至", "j日"),  # 2023年12月7日至8日
        "year": ("Y年n月j日", "至", "n月j日"),  # 2023年11月30日至12月2日
        "none": ("Y年n月j日", "至", "Y年n月j日"),
    },
}


@register.simple_tag
def date_range(start, end):
    """Two days as one range, written the way the active language writes it."""
    formats = DATE_RANGES.get(get_language(), DATE_RANGES["en"])
    if (start.year, start.month) == (end.year, end.month):
        start_format, separator, end_format = formats["month"]
    elif start.year == end.year:
        start_format, separator, end_format = formats["year"]
    else:
        start_format, separator, end_format = formats["none"]
    return format_html(
        '<time datetime="{}">{}</time>{}<time datetime="{}">{}</time>',
        start.strftime("%Y-%m-%d"), dateformat.format(start, start_format), separator,
        end.strftime("%Y-%m-%d"), dateformat.format(end, end_format),
    )


# The site's own drawings (static/img/art/), for zones and events without an image of their
# own: one per demo zone, one per event category, each in that zone's or category's colours.
ZONE_ART = {"life-science-park", "frontier-technology", "medical-device", "beauty-and-health"}
EVENT_ART = {"forum", "conference", "symposium", "seminar", "exhibition", "meetup"}


@register.filter
def on_map(zone):
    """Whether the park map (static/img/art/park-map.svg) draws this zone."""
    return zone.slug in ZONE_ART


@register.simple_tag
def zone_art(zone):
    slug = zone.slug if zone.slug in ZONE_ART else "default"
    return static(f"img/art/zone-{slug}.svg")


@register.simple_tag
def event_art(event):
    category = getattr(event.category, "slug", "")
    return static(f"img/art/event-{category if category in EVENT_ART else 'forum'}.svg")
