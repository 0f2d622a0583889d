"""Photos sent with a request (a resident's, or one a grid worker takes on patrol): checked, then kept on disk.

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
from wtforms.validators import ValidationError

from ticketing.deploy.datadir import uploads_dir
from ticketing.services import NewAttachment
from ticketing.web.context import settings

MAX_PHOTO = 5 * 1024 * 1024


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


def discard(attachment: NewAttachment | None) -> None:
    """Remove a kept photo whose ticket was not opened after all."""
    if attachment is not None:
        (uploads() / attachment.file_name).unlink(missing_ok=True)
