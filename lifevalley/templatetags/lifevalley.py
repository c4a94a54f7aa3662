import re

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

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
