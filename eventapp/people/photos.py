"""Speaker photos: checking and re-encoding an upload, and serving it.

An upload is decoded by Pillow (whatever its name or declared type says),
turned upright, flattened to RGB, shrunk to fit 800×800 and re-encoded as a
fresh JPEG, so no EXIF (GPS!), ICC or XMP metadata survives. The photo's URL
carries its version (the start of its SHA-256), so a published photo can be
cached for a year: a new photo gets a new URL.
"""
from __future__ import annotations

import hashlib
import io
import warnings

from flask import Response, abort, current_app, request
from flask_babel import gettext as _
from flask_login import current_user
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import select

from ..conferences.models import Conference
from ..errors import DomainError
from ..extensions import db
from . import bp
from .models import Person, PersonPhoto

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000  # decoded size limit: refuses "decompression bombs"
BOX = (800, 800)
QUALITY = 85
FORMATS = ("JPEG", "PNG", "WEBP")
YEAR = 365 * 24 * 60 * 60


def max_bytes() -> int:
    return int(current_app.config.get("PHOTO_MAX_BYTES", DEFAULT_MAX_BYTES))


def _decode(data: bytes) -> Image.Image:
    """The upload as an upright RGB image, or a DomainError saying what is wrong."""
    not_an_image = DomainError(_("The photo must be a JPEG, PNG or WebP image."), "photo")
    too_big = DomainError(
        _("The photo has too many pixels: at most %(mp)d million.", mp=MAX_PIXELS // 1_000_000),
        "photo",
    )
    with warnings.catch_warnings():
        # Pillow warns (and past twice its limit raises) on huge images: refuse both.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=list(FORMATS))
            if image.format not in FORMATS:
                raise not_an_image
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise too_big
            image.load()
            image = ImageOps.exif_transpose(image)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise too_big from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
            raise not_an_image from None
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        image = flat
    else:
        image = image.convert("RGB")
    image.thumbnail(BOX, Image.Resampling.LANCZOS)
    # A fresh image carries no metadata of the upload (EXIF, ICC, XMP, comments).
    return Image.frombytes("RGB", image.size, image.tobytes())


def store_photo(person: Person, data: bytes) -> PersonPhoto:
    """Check an uploaded photo (size, real image format, pixel count), re-encode
    it and make it the person's photo (replacing any earlier one). No lock or
    permission check: callers do that (see people.profile)."""
    limit = max_bytes()
    if not data:
        raise DomainError(_("Choose a photo to upload."), "photo")
    if len(data) > limit:
        raise DomainError(
            _("The photo is too large: at most %(size)d MB.", size=max(1, limit // (1024 * 1024))),
            "photo",
        )
    image = _decode(data)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=QUALITY, optimize=True)
    encoded = out.getvalue()
    digest = hashlib.sha256(encoded).hexdigest()
    photo = person.photo
    if photo is None:
        photo = PersonPhoto(person=person, data=encoded, content_type="image/jpeg",
                            width=image.width, height=image.height, digest=digest)
        db.session.add(photo)
    else:
        photo.data = encoded
        photo.content_type = "image/jpeg"
        photo.width, photo.height = image.width, image.height
        photo.digest = digest
    db.session.flush()
    return photo


def published_version(conference: Conference, person_id: int) -> str | None:
    """The photo version the latest release shows for this person (None: no photo
    or the conference is not public)."""
    from ..agenda.releases import latest_release  # agenda imports people: import late

    if not conference.is_published:
        return None
    release = latest_release(conference)
    if release is None:
        return None
    for entry in release.snapshot.get("people", []):
        if entry.get("id") == person_id:
            return entry.get("photo")
    return None


def may_see_private(conference: Conference, person: Person) -> bool:
    """The person themself (signed in with their address) and the conference's organisers."""
    if not getattr(current_user, "is_authenticated", False):
        return False
    if conference.can_manage(current_user):
        return True
    return bool(person.email) and person.email == current_user.email


@bp.app_template_global()
def public_photo(person_id: int, version: str | None) -> PersonPhoto | None:
    """For the public person page: the stored photo if it is still the released
    version (a newer, unpublished photo replaces the bytes, so then none)."""
    if not version:
        return None
    photo = db.session.get(PersonPhoto, person_id)
    return photo if photo is not None and photo.version == version else None


@bp.get("/c/<slug>/people/<int:person_id>/photo/<version>.jpg")
def photo(slug: str, person_id: int, version: str):
    conference = db.session.scalar(select(Conference).where(Conference.slug == slug))
    if conference is None:
        abort(404)
    person = db.session.get(Person, person_id)
    if person is None or person.conference_id != conference.id:
        abort(404)
    meta = db.session.get(PersonPhoto, person_id)
    if meta is None or meta.version != version:
        abort(404)
    public = published_version(conference, person_id) == version
    if not public and not may_see_private(conference, person):
        abort(404)
    # The bytes are a deferred column: load them only here, when serving.
    data = db.session.scalar(select(PersonPhoto.data).where(PersonPhoto.person_id == person_id))
    response = Response(data, mimetype="image/jpeg")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.set_etag(meta.digest)
    if public:
        response.cache_control.public = True
        response.cache_control.max_age = YEAR
        response.cache_control.immutable = True
    else:
        response.cache_control.private = True
        response.cache_control.no_store = True
    return response.make_conditional(request)
