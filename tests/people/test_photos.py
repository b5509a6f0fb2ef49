"""Speaker photos: what an upload must be, how it is re-encoded, and who may see it.
The images are made here with Pillow (no binary files in the repository)."""
from __future__ import annotations

import io
import re

import pytest
from PIL import ExifTags, Image
from sqlalchemy import func, select

from eventapp.agenda.models import RoleKind
from eventapp.errors import DomainError
from eventapp.extensions import db
from eventapp.people.models import PersonPhoto
from eventapp.people.photos import store_photo

from ..checkers import validate_html

pytestmark = pytest.mark.usefixtures("english")  # they assert on English messages

# --- images ----------------------------------------------------------------------------


def jpeg_with_exif(size=(300, 200), orientation=6) -> bytes:
    """A red-left, blue-right JPEG with a GPS position and an orientation tag
    (6 = the camera was turned: show it rotated 90° clockwise)."""
    image = Image.new("RGB", size, "red")
    image.paste(Image.new("RGB", (size[0] // 2, size[1]), "blue"), (size[0] // 2, 0))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "TestCam"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "S"
    gps[ExifTags.GPS.GPSLatitude] = (5.0, 8.0, 0.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (119.0, 25.0, 0.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=90)
    data = out.getvalue()
    check = Image.open(io.BytesIO(data)).getexif()
    assert check[ExifTags.Base.Orientation] == orientation and check.get_ifd(ExifTags.IFD.GPSInfo)
    return data


def image_bytes(size=(120, 80), fmt="PNG", mode="RGB", colour="green") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, colour).save(out, fmt)
    return out.getvalue()


def png_with_alpha() -> bytes:
    image = Image.new("RGBA", (100, 100), (0, 0, 0, 0))  # fully transparent…
    image.paste(Image.new("RGBA", (50, 100), (0, 0, 255, 255)), (0, 0))  # …with an opaque blue half
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def bomb() -> bytes:
    """10000×10000 of one colour: under 100 kB as PNG, 300 MB decoded."""
    data = image_bytes((10000, 10000), "PNG", mode="L", colour=0)
    assert len(data) < 200_000
    return data


def stored_image(photo: PersonPhoto) -> Image.Image:
    data = db.session.scalar(select(PersonPhoto.data).where(PersonPhoto.person_id == photo.person_id))
    return Image.open(io.BytesIO(data))


def photo_count() -> int:
    return db.session.scalar(select(func.count()).select_from(PersonPhoto))


@pytest.fixture
def person(make):
    return make.person(make.conference(published=False), "Andi Foto", email="andi@example.org")


# --- store_photo ----------------------------------------------------------------------


def test_exif_is_stripped_and_the_photo_turned_upright(person):
    photo = store_photo(person, jpeg_with_exif((300, 200), orientation=6))
    db.session.commit()
    image = stored_image(photo)
    assert image.format == "JPEG"
    assert image.size == (200, 300) == (photo.width, photo.height)  # rotated upright
    assert "exif" not in image.info and len(image.getexif()) == 0
    assert "icc_profile" not in image.info
    # Rotated 90° clockwise: the left (red) half is now on top.
    top, bottom = image.getpixel((100, 20)), image.getpixel((100, 280))
    assert top[0] > 200 and top[2] < 60
    assert bottom[2] > 200 and bottom[0] < 60


def test_the_digest_is_the_sha256_of_the_stored_bytes(person):
    import hashlib

    photo = store_photo(person, image_bytes())
    data = db.session.scalar(select(PersonPhoto.data).where(PersonPhoto.person_id == person.id))
    assert photo.digest == hashlib.sha256(data).hexdigest()
    assert photo.version == photo.digest[:12]
    assert data.startswith(b"\xff\xd8")


def test_png_with_transparency_becomes_a_jpeg_on_white(person):
    photo = store_photo(person, png_with_alpha())
    image = stored_image(photo)
    assert image.format == "JPEG" and image.mode == "RGB"
    assert min(image.getpixel((90, 50))) > 240  # the transparent half is white
    assert image.getpixel((10, 50))[2] > 200  # the blue half stays blue


def test_webp_is_accepted(person):
    assert store_photo(person, image_bytes(fmt="WEBP")).width == 120


def test_a_large_photo_is_shrunk_to_fit_800_by_800(person):
    photo = store_photo(person, image_bytes((3000, 2000), "JPEG"))
    assert (photo.width, photo.height) == (800, 533)
    assert stored_image(photo).size == (800, 533)


def test_a_new_photo_replaces_the_old_one(person):
    first = store_photo(person, image_bytes(colour="green")).digest
    second = store_photo(person, image_bytes(colour="yellow")).digest
    db.session.commit()
    assert first != second
    assert photo_count() == 1


@pytest.mark.parametrize(("data", "message"), [
    (b"Just some text, not a picture.\n" * 10, "must be a JPEG, PNG or WebP"),
    (image_bytes(fmt="GIF"), "must be a JPEG, PNG or WebP"),
    (image_bytes(fmt="BMP"), "must be a JPEG, PNG or WebP"),
    (image_bytes(fmt="JPEG")[:200], "must be a JPEG, PNG or WebP"),  # truncated
    (b"", "Choose a photo"),
], ids=["text", "gif", "bmp", "truncated", "empty"])
def test_what_is_not_a_photo_is_refused(person, data, message):
    with pytest.raises(DomainError, match=message) as caught:
        store_photo(person, data)
    assert caught.value.field == "photo"
    assert photo_count() == 0


def test_a_decompression_bomb_is_refused(person):
    with pytest.raises(DomainError, match="too many pixels"):
        store_photo(person, bomb())
    assert photo_count() == 0


def test_an_image_over_40_million_pixels_is_refused_before_decoding(person):
    with pytest.raises(DomainError, match="too many pixels"):
        store_photo(person, image_bytes((8000, 5001), "PNG", mode="1", colour=0))


def test_more_than_photo_max_bytes_is_refused(app, person):
    data = image_bytes((200, 200), "PNG")
    app.config["PHOTO_MAX_BYTES"] = len(data) - 1
    try:
        with pytest.raises(DomainError, match="too large"):
            store_photo(person, data)
    finally:
        del app.config["PHOTO_MAX_BYTES"]
    assert store_photo(person, data).width == 200  # the default 5 MB limit


# --- serving --------------------------------------------------------------------------


@pytest.fixture
def scene(make):
    """A published conference whose speaker has a photo that is in the latest release."""
    conference = make.conference(slug="foto")
    speaker = make.person(conference, "Rina Foto", email="rina@example.org")
    make.role(make.session(conference), speaker, RoleKind.SPEAKER)
    photo = store_photo(speaker, image_bytes((120, 80), "JPEG"))
    db.session.commit()
    make.publish(conference)
    return {"conference": conference, "person": speaker, "version": photo.version}


def url(scene, version=None) -> str:
    return f"/c/foto/people/{scene['person'].id}/photo/{version or scene['version']}.jpg"


def test_a_published_photo_is_public_and_cached_for_a_year(client, scene):
    response = client.get(url(scene))
    assert response.status_code == 200
    assert response.mimetype == "image/jpeg"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    cache = response.cache_control
    assert cache.public and cache.max_age == 365 * 24 * 3600 and cache.immutable
    assert response.data.startswith(b"\xff\xd8")
    etag = response.headers["ETag"]
    again = client.get(url(scene), headers={"If-None-Match": etag})
    assert again.status_code == 304


def test_a_wrong_version_is_not_found(client, scene):
    assert client.get(url(scene, "0123456789ab")).status_code == 404
    assert client.get(f"/c/foto/people/{scene['person'].id + 999}/photo/{scene['version']}.jpg").status_code == 404
    assert client.get(f"/c/tidak-ada/people/{scene['person'].id}/photo/{scene['version']}.jpg").status_code == 404


def test_a_photo_newer_than_the_release_is_private(client, make, auth, scene):
    newer = store_photo(scene["person"], image_bytes(colour="yellow")).version
    db.session.commit()
    assert client.get(url(scene, newer)).status_code == 404  # anonymous
    assert client.get(url(scene)).status_code == 404  # the old bytes are gone
    auth.login(make.user(email="someone@example.org"))
    assert client.get(url(scene, newer)).status_code == 404
    auth.logout()
    auth.login(make.user(email="rina@example.org"))  # the speaker themself
    response = client.get(url(scene, newer))
    assert response.status_code == 200
    assert response.cache_control.private and response.cache_control.no_store
    auth.logout()
    auth.login(make.organiser(scene["conference"]))
    assert client.get(url(scene, newer)).status_code == 200


def test_a_draft_conference_photo_is_private(client, make, auth):
    conference = make.conference(slug="rahasia", published=False)
    speaker = make.person(conference, "Budi", email="budi@example.org")
    make.role(make.session(conference), speaker, RoleKind.SPEAKER)
    version = store_photo(speaker, image_bytes()).version
    db.session.commit()
    make.publish(conference)  # in the release, but the conference is not public
    target = f"/c/rahasia/people/{speaker.id}/photo/{version}.jpg"
    assert client.get(target).status_code == 404
    auth.login(make.organiser(make.conference()))  # organiser of something else
    assert client.get(target).status_code == 404
    auth.logout()
    auth.login(make.user(email="budi@example.org"))
    assert client.get(target).status_code == 200


def test_the_photo_bytes_are_loaded_only_to_serve_them(scene):
    db.session.expire_all()
    photo = db.session.get(PersonPhoto, scene["person"].id)
    assert "data" not in photo.__dict__  # deferred


# --- the public person page -----------------------------------------------------------


def test_the_public_person_page_shows_the_released_photo(client, scene, tmp_path):
    response = client.get(f"/c/foto/speakers/{scene['person'].id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    img = re.search(r'<img src="([^"]+)" alt="([^"]+)" width="(\d+)" height="(\d+)"', page)
    assert img is not None
    assert img.groups() == (url(scene), "Rina Foto", "120", "80")
    assert client.get(img.group(1)).status_code == 200
    assert validate_html({"person-photo.html": response.data}, tmp_path) == []


def test_the_public_person_page_without_a_photo_has_no_img(client, make):
    conference = make.conference(slug="tanpa")
    speaker = make.person(conference, "Tanpa Foto")
    make.role(make.session(conference), speaker, RoleKind.SPEAKER)
    make.publish(conference)
    response = client.get(f"/c/tanpa/speakers/{speaker.id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<img" not in page.split("<main", 1)[1]
