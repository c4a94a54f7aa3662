"""Generated logos for the demo organisations: drawn with Pillow, never downloaded."""

import hashlib
import io

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw, ImageFont

PALETTES = [
    ((7, 61, 49), (20, 134, 107), (159, 224, 197)),
    ((17, 45, 78), (35, 98, 160), (170, 210, 240)),
    ((70, 30, 70), (150, 70, 120), (245, 200, 220)),
    ((60, 50, 10), (170, 120, 20), (242, 177, 52)),
    ((20, 60, 70), (40, 130, 140), (190, 235, 235)),
]


def _palette_for(text):
    digest = hashlib.sha256(text.encode()).digest()
    return PALETTES[digest[0] % len(PALETTES)], digest


def monogram(name, size=256):
    """A square logo with the organisation's initials, for demo entries without a real logo."""
    (dark, mid, light), _digest = _palette_for(name)
    image = Image.new("RGB", (size, size), mid)
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle([8, 8, size - 8, size - 8], radius=36, outline=light, width=6)
    initials = "".join(word[0] for word in name.replace("-", " ").split() if word[0].isalnum())
    initials = (initials[:2] or name[:1]).upper()
    font = ImageFont.load_default(size=size * 0.42)
    draw.text((size / 2, size / 2), initials, fill=(255, 255, 255), font=font, anchor="mm")
    return _as_png(image)


def _as_png(image):
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return ContentFile(buffer.getvalue())
