"""Generated illustrations for the demo content: drawn with Pillow, never downloaded."""

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


def illustration(text, size=(1200, 675)):
    """A calm abstract landscape (hills and a sun) whose colours follow the text."""
    (dark, mid, light), digest = _palette_for(text)
    width, height = size
    image = Image.new("RGB", size, dark)
    draw = ImageDraw.Draw(image)
    for row in range(height):
        share = row / height
        colour = tuple(int(d + (m - d) * share) for d, m in zip(dark, mid, strict=True))
        draw.line([(0, row), (width, row)], fill=colour)
    sun_x = width * (0.2 + digest[1] / 255 * 0.6)
    draw.ellipse([sun_x - 70, 120, sun_x + 70, 260], fill=light)
    for layer, base in enumerate((0.62, 0.72, 0.84)):
        shade = tuple(int(c * (0.55 + 0.15 * layer)) for c in dark)
        peak = digest[2 + layer] / 255
        points = [(0, height), (0, height * base)]
        for step in range(9):
            x = width * step / 8
            y = height * (base - 0.12 * abs((step / 8) - peak) * (1 + layer % 2))
            points.append((x, y))
        points += [(width, height * base), (width, height)]
        draw.polygon(points, fill=shade)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return ContentFile(buffer.getvalue())


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
