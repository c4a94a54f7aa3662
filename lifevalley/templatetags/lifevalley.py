import json
import re

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

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
