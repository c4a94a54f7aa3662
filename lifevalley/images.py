"""Uploaded images: checked, stored clean under a unique name, rendered into sizes, cleaned up."""

import io
import re
import secrets

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models
from django.db.models.fields.files import ImageFieldFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, JpegImagePlugin, UnidentifiedImageError

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


# Renditions: every template shows an uploaded image through these, never the original.
RENDITION_WIDTHS = (320, 640, 960, 1280, 1920)
WEBP_QUALITY = 80
JPEG_QUALITY = 82


def rendition_widths(original_width):
    """The widths rendered for an image: the standard ones below it, and at most its own."""
    if not original_width:
        return []
    widths = [width for width in RENDITION_WIDTHS if width < original_width]
    return [*widths, min(original_width, RENDITION_WIDTHS[-1])]


def rendition_name(original_name, width, extension):
    stem = original_name.rsplit(".", 1)[0]
    return f"renditions/{stem}-{width}w.{extension}"


def rendition_names(original_name, original_width):
    """Every rendition an original may have: its own widths and, if unknown, the standard ones."""
    extensions = ("webp", fallback_extension(original_name))
    widths = set(RENDITION_WIDTHS) | set(rendition_widths(original_width))
    return [rendition_name(original_name, w, ext) for w in sorted(widths) for ext in extensions]


def largest_rendition_url(file, original_width):
    """The URL of an image's largest rendition (for link previews), or ''."""
    if not file or not original_width:
        return ""
    largest = rendition_widths(original_width)[-1]
    return file.storage.url(rendition_name(file.name, largest, fallback_extension(file.name)))


def fallback_extension(original_name):
    """PNG and GIF keep transparency as PNG; photographs fall back to JPEG."""
    return "png" if original_name.lower().endswith((".png", ".gif")) else "jpg"


# Stored originals: re-saved by Pillow in their own format, upright, without EXIF (GPS
# included), XMP or comments, under a name that is unique and says the true format.
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
KEPT_INFO = ("transparency", "background")  # needed to draw the pixels; not metadata
STEM_LENGTH = 40
ORIGINAL_QUALITY = 92  # WebP, and JPEGs whose own tables are unknown


def stored_name(uploaded_name, extension):
    """``<stem>-<random token>.<true extension>``: renditions derive from the stem, so the
    token keeps two uploads of ``photo.jpg`` and ``photo.png`` from sharing them."""
    stem = uploaded_name.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return f"{stem[:STEM_LENGTH] or 'image'}-{secrets.token_hex(6)}.{extension}"


def is_clean_name(name):
    """Whether ``name`` was given by ``stored_name`` (uploads before it kept metadata)."""
    return bool(CLEAN_NAME.search(name or ""))


CLEAN_NAME = re.compile(r"-[0-9a-f]{12}(_[0-9A-Za-z]{7})?\.(jpg|png|webp|gif)$")


def stripped_original(file):
    """The upload as (bytes, extension): upright first frame, same format, no metadata.

    Animated GIF and WebP keep their first frame only, as every rendition already did.
    """
    file.seek(0)
    with Image.open(file) as source:
        image_format = source.format
        source.seek(0)
        icc_profile = source.info.get("icc_profile")
        jpeg_tables = _jpeg_tables(source) if image_format == "JPEG" else {}
        image = ImageOps.exif_transpose(source)  # applies orientation, returns a copy
        image.load()
    image.info = {key: image.info[key] for key in KEPT_INFO if key in image.info}
    options = {"format": image_format}
    if icc_profile:
        options["icc_profile"] = icc_profile  # colour, not metadata: keeps photos true
    if image_format == "JPEG":
        options |= jpeg_tables or {"quality": ORIGINAL_QUALITY}
    elif image_format == "WEBP":
        options["quality"] = ORIGINAL_QUALITY
    buffer = io.BytesIO()
    image.save(buffer, **options)
    return buffer.getvalue(), EXTENSIONS[image_format]


def _jpeg_tables(source):
    """The source's own quantisation and subsampling: its quality, neither worse nor bigger."""
    subsampling = JpegImagePlugin.get_sampling(source)
    if not getattr(source, "quantization", None) or subsampling == -1:
        return {}
    return {"qtables": source.quantization, "subsampling": subsampling}


def upright_image(file):
    """The decoded first frame, turned the way the camera meant it, without any metadata."""
    file.seek(0)
    with Image.open(file) as source:
        source.seek(0)
        image = ImageOps.exif_transpose(source)
        image.load()
    has_alpha = image.mode in ("RGBA", "LA") or "transparency" in image.info
    return image.convert("RGBA" if has_alpha else "RGB")


def render_renditions(field_file):
    """Write the WebP and fallback renditions of an uploaded image; return its upright size.

    Files are written through the storage API, so this works on local disk and object storage.
    """
    storage = field_file.storage
    with field_file.open("rb") as file:
        image = upright_image(file)
    extension = fallback_extension(field_file.name)
    for width in rendition_widths(image.width):
        height = max(1, round(image.height * width / image.width))
        resized = image.resize((width, height), Image.Resampling.LANCZOS)
        for ext, save_options in (
            ("webp", {"format": "WEBP", "quality": WEBP_QUALITY, "method": 4}),
            (extension, _fallback_options(extension)),
        ):
            picture = resized if ext != "jpg" else resized.convert("RGB")
            buffer = io.BytesIO()
            picture.save(buffer, **save_options)
            name = rendition_name(field_file.name, width, ext)
            if storage.exists(name):
                storage.delete(name)
            storage.save(name, ContentFile(buffer.getvalue()))
    return image.width, image.height


def _fallback_options(extension):
    if extension == "png":
        return {"format": "PNG", "optimize": True}
    return {"format": "JPEG", "quality": JPEG_QUALITY, "optimize": True, "progressive": True}


class CheckedImageFormField(forms.ImageField):
    """Runs our checks before Django's, so visitors read why a file was refused."""

    def to_python(self, data):
        file = forms.FileField.to_python(self, data)
        if file is None:
            return None
        validate_image(file)
        return super().to_python(data)


class CleanImageFieldFile(ImageFieldFile):
    """Stores every new upload stripped of its metadata, under a unique, truthful name."""

    def save(self, name, content, save=True):
        data, extension = stripped_original(content)
        super().save(stored_name(name, extension), ContentFile(data), save)


class CheckedImageField(models.ImageField):
    """An ImageField whose uploads always pass ``validate_image``, in forms and model validation,
    and are stored clean (see ``CleanImageFieldFile``)."""

    attr_class = CleanImageFieldFile

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("validators", [validate_image])
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": CheckedImageFormField, **kwargs})
