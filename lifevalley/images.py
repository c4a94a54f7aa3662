"""Checks for every uploaded image: a real raster picture within size and pixel limits."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}


def validate_image(file):
    """Refuse anything that is not a JPEG, PNG, WebP or GIF Pillow can fully decode."""
    if file.size is not None and file.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The image is %(size)s MB; the limit is 10 MB."),
            params={"size": round(file.size / 1024 / 1024, 1)},
            code="image_too_large",
        )
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        with Image.open(file) as image:
            if image.format not in ALLOWED_FORMATS:
                raise ValidationError(
                    _("Upload a JPEG, PNG, WebP or GIF image (this file is %(format)s)."),
                    params={"format": image.format or _("unknown")},
                    code="image_format",
                )
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise ValidationError(
                    _("The image is %(width)s × %(height)s pixels; the limit is 40 megapixels."),
                    params={"width": width, "height": height},
                    code="image_too_many_pixels",
                )
            image.load()  # decode every byte: catches truncated and corrupt files
    except ValidationError:
        raise
    except Image.DecompressionBombError:
        raise ValidationError(
            _("The image has far too many pixels; the limit is 40 megapixels."),
            code="image_too_many_pixels",
        ) from None
    except UnidentifiedImageError:
        raise ValidationError(
            _("This file is not an image we can read. Upload a JPEG, PNG, WebP or GIF."),
            code="image_invalid",
        ) from None
    except (OSError, SyntaxError, ValueError):
        raise ValidationError(
            _("The image file is damaged or incomplete. Please upload it again."),
            code="image_corrupt",
        ) from None
    finally:
        file.seek(position)
