"""Photos sent with a request (a resident's, or one a grid worker takes on patrol): checked, then kept on disk,
with a small copy made for thumbnails on first use.

A photo is read whole (at most 5 MB), its type told from its first bytes
whatever its name claims, and kept under a random name in the data
directory's ``uploads/``; the ticket's row for it is written with the ticket
(``services.NewAttachment``), and the file is removed again if that fails.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from flask_babel import gettext as _
from flask_wtf.file import FileField
from PIL import Image, ImageOps
from wtforms.validators import ValidationError

from ticketing.deploy.datadir import uploads_dir
from ticketing.services import NewAttachment
from ticketing.web.context import settings

MAX_PHOTO = 5 * 1024 * 1024
SMALL = 480  # pixels a side of a thumbnail's copy: sharp at 160 CSS pixels on a 3x phone screen
MAX_PIXELS = 50_000_000  # a photo of more pixels is not decoded for its small copy (a phone's is under 50 M)
Image.MAX_IMAGE_PIXELS = MAX_PIXELS


@dataclass(frozen=True, slots=True)
class Photo:
    """A photo as sent, checked."""

    content: bytes
    content_type: str
    extension: str


def sniff(head: bytes) -> tuple[str, str] | None:
    """The image type from a file's first bytes (content type, extension), whatever its name claims."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg", "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png", "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", "webp"
    return None


def read_photo(field: FileField) -> Photo | None:
    """The photo in a form's file field, or None if none was sent; ValidationError when it cannot be kept."""
    if not field.data:
        return None
    content = field.data.read(MAX_PHOTO + 1)
    if len(content) > MAX_PHOTO:
        raise ValidationError(_("The photo is larger than 5 MB."))
    kind = sniff(content[:12])
    if kind is None:
        raise ValidationError(_("Send a photo as JPEG, PNG or WebP."))
    return Photo(content, *kind)


def uploads() -> Path:
    """The folder of photos, made absolute: Flask would read a relative one (the default ``instance/``) from the
    package's folder when sending a photo, not from where it was written."""
    return uploads_dir(settings()).absolute()


def store_photo(photo: Photo | None) -> NewAttachment | None:
    """Keep the photo under a random name in ``uploads/``; what the ticket records of it."""
    if photo is None:
        return None
    folder = uploads()
    folder.mkdir(parents=True, exist_ok=True)
    file_name = f"{secrets.token_hex(16)}.{photo.extension}"
    (folder / file_name).write_bytes(photo.content)
    return NewAttachment(file_name, photo.content_type, len(photo.content))


def small_copy(file_name: str, content_type: str) -> tuple[str, str]:
    """A kept photo's small copy for thumbnails (``small/<name>.jpg`` under ``uploads/``, at most ``SMALL`` pixels
    a side, turned upright as the camera meant), made on first use; the photo itself (its name and type) when it
    cannot be read as an image.  Pillow refuses an image of more than ``MAX_PIXELS`` rather than fill the memory."""
    small = Path("small") / f"{Path(file_name).stem}.jpg"
    target = uploads() / small
    if target.exists():
        return str(small), "image/jpeg"
    try:
        with Image.open(uploads() / file_name) as image:
            image.draft("RGB", (SMALL, SMALL))  # a JPEG decodes straight at a fraction of its size
            upright = ImageOps.exif_transpose(image).convert("RGB")
            upright.thumbnail((SMALL, SMALL))
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(f".{secrets.token_hex(8)}.jpg")
            upright.save(partial, "JPEG", quality=80)
            partial.replace(target)  # two requests making the same copy at once each write their own, then swap
    except (OSError, ValueError, Image.DecompressionBombError):
        return file_name, content_type
    return str(small), "image/jpeg"


def discard(attachment: NewAttachment | None) -> None:
    """Remove a kept photo whose ticket was not opened after all."""
    if attachment is not None:
        (uploads() / attachment.file_name).unlink(missing_ok=True)
