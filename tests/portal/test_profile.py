"""A speaker's own profile page: texts, photo, organiser locks, audit."""
from __future__ import annotations

import io
import os
import re

import pytest
from PIL import Image
from sqlalchemy import func, select

from eventapp.audit.models import AuditEntry
from eventapp.extensions import db
from eventapp.people.models import Person, PersonPhoto
from eventapp.people.photos import store_photo

from ..checkers import validate_html
from ..people.test_photos import bomb, image_bytes, jpeg_with_exif

pytestmark = pytest.mark.usefixtures("english")  # they assert on English messages

URL = "/c/prof/my/profile"


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def fresh(person_id: int) -> Person:
    db.session.expire_all()
    return db.session.get(Person, person_id)


def texts(person: Person) -> tuple:
    return (person.honorific, person.position, person.organisation, person.bio_id, person.bio_en)


def photo_count() -> int:
    return db.session.scalar(select(func.count()).select_from(PersonPhoto))


def actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


@pytest.fixture
def speaker(make, auth):
    conference = make.conference(slug="prof", published=False)
    person = make.person(conference, "Sari Pembicara", email="sari@example.org", honorific="Dr.",
                         position="Peneliti", organisation="LIPI", bio_id="Bio lama.", bio_en="Old bio.")
    auth.login(make.user(email="sari@example.org"))
    return person


VALID = {"honorific": "Prof.", "position": "Kepala Pusat", "organisation": "BRIN",
         "bio_id": "Bio baru.", "bio_en": "New bio."}


def upload(data: bytes, name: str = "photo.jpg", **fields) -> dict:
    return {**VALID, **fields, "photo": (io.BytesIO(data), name)}


def test_the_page_shows_the_profile(client, speaker, tmp_path):
    response = client.get(URL)
    assert response.status_code == 200
    page = text_of(response)
    assert "Sari Pembicara" in page and "sari@example.org" in page
    assert 'value="Peneliti"' in page and "Old bio." in page
    assert "when the organisers publish its next version" in page
    assert 'enctype="multipart/form-data"' in page
    assert 'name="full_name"' not in page and 'name="email"' not in page  # organisers only
    assert validate_html({"profile.html": response.data}, tmp_path) == []


def test_saving_changes_the_unlocked_fields(client, speaker):
    response = client.post(URL, data={**VALID, "full_name": "Someone Else", "email": "x@example.org"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(URL)
    person = fresh(speaker.id)
    assert texts(person) == ("Prof.", "Kepala Pusat", "BRIN", "Bio baru.", "New bio.")
    assert (person.full_name, person.email) == ("Sari Pembicara", "sari@example.org")
    assert actions() == ["person.profile"]
    assert "Your profile is saved" in text_of(client.get(URL))


def test_saving_nothing_new_writes_no_audit_entry(client, speaker):
    data = dict(zip(("honorific", "position", "organisation", "bio_id", "bio_en"), texts(speaker)))
    assert client.post(URL, data=data).status_code == 303
    assert actions() == []


def test_too_long_text_is_refused_and_the_input_kept(client, speaker):
    response = client.post(URL, data={**VALID, "bio_en": "x" * 3001})
    assert response.status_code == 422
    page = text_of(response)
    assert "Kepala Pusat" in page  # typed input kept
    assert 'aria-invalid="true"' in page
    assert texts(fresh(speaker.id)) == ("Dr.", "Peneliti", "LIPI", "Bio lama.", "Old bio.")


# --- locks -------------------------------------------------------------------------------


def lock(person: Person, *fields: str) -> None:
    person.locked_fields = list(fields)
    db.session.commit()


def test_locked_fields_are_shown_read_only(client, speaker, tmp_path):
    lock(speaker, "position", "photo")
    response = client.get(URL)
    page = text_of(response)
    assert 'name="position"' not in page and "Peneliti" in page
    assert page.count("Locked by the organisers.") == 2
    assert 'name="photo"' not in page
    assert 'name="organisation"' in page
    assert validate_html({"profile-locked.html": response.data}, tmp_path) == []


def test_a_changed_locked_field_is_refused_with_422(client, speaker):
    """A form opened before the lock may still send the field: 422, nothing saved."""
    lock(speaker, "position")
    response = client.post(URL, data=VALID)
    assert response.status_code == 422
    assert "Locked by the organisers." in text_of(response)
    assert texts(fresh(speaker.id)) == ("Dr.", "Peneliti", "LIPI", "Bio lama.", "Old bio.")
    assert actions() == []


def test_the_other_fields_save_while_one_is_locked(client, speaker):
    lock(speaker, "position")
    data = {name: value for name, value in VALID.items() if name != "position"}
    assert client.post(URL, data=data).status_code == 303
    assert texts(fresh(speaker.id)) == ("Prof.", "Peneliti", "BRIN", "Bio baru.", "New bio.")
    # The unchanged locked value may come along (a stale form): still fine.
    assert client.post(URL, data={**data, "position": "Peneliti"}).status_code == 303


def test_a_locked_photo_cannot_be_uploaded_or_removed(client, speaker):
    store_photo(speaker, image_bytes())
    lock(speaker, "photo")
    response = client.post(URL, data=upload(image_bytes(colour="red")), content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Locked by the organisers." in text_of(response)
    assert client.post(f"{URL}/photo/delete", data={}).status_code == 422
    assert photo_count() == 1
    assert texts(fresh(speaker.id))[1] == "Peneliti"  # nothing else saved either


def test_the_service_refuses_a_locked_field(speaker):
    from eventapp.errors import DomainError
    from eventapp.people.profile import update_own_profile

    lock(speaker, "bio_en")
    with pytest.raises(DomainError) as caught:
        update_own_profile(speaker, actor=None, bio_en="Changed.")
    assert caught.value.field == "bio_en"


# --- photo ------------------------------------------------------------------------------


def test_uploading_a_photo(client, speaker, tmp_path):
    response = client.post(URL, data=upload(jpeg_with_exif()), content_type="multipart/form-data")
    assert response.status_code == 303
    photo = db.session.get(PersonPhoto, speaker.id)
    assert (photo.width, photo.height) == (200, 300)
    data = db.session.scalar(select(PersonPhoto.data).where(PersonPhoto.person_id == speaker.id))
    assert len(Image.open(io.BytesIO(data)).getexif()) == 0
    assert actions() == ["person.profile", "person.photo"]
    page = client.get(URL)
    src = re.search(r'<img src="([^"]+)" alt="Prof. Sari Pembicara" width="200" height="300"', page.get_data(as_text=True))
    assert src is not None
    served = client.get(src.group(1))  # the speaker sees their own private photo
    assert served.status_code == 200 and served.cache_control.no_store
    assert validate_html({"profile-photo.html": page.data}, tmp_path) == []


@pytest.mark.parametrize(("data", "name", "message"), [
    (b"This is not a photo.\n" * 20, "photo.jpg", "must be a JPEG, PNG or WebP"),
    (None, "bomb.png", "too many pixels"),
], ids=["text-named-jpg", "decompression-bomb"])
def test_a_bad_photo_is_refused(client, speaker, data, name, message):
    response = client.post(URL, data=upload(data if data is not None else bomb(), name),
                           content_type="multipart/form-data")
    assert response.status_code == 422
    page = text_of(response)
    assert message in page
    assert 'value="Kepala Pusat"' in page  # typed input kept
    assert photo_count() == 0
    assert texts(fresh(speaker.id))[1] == "Peneliti"  # nothing saved
    assert actions() == []


def test_a_photo_over_the_size_limit_is_refused(app, client, speaker):
    out = io.BytesIO()
    Image.frombytes("RGB", (100, 100), os.urandom(30_000)).save(out, "PNG")  # noise: ~30 kB
    data = out.getvalue()
    app.config["PHOTO_MAX_BYTES"] = len(data) - 1
    try:
        response = client.post(URL, data=upload(data, "big.png"), content_type="multipart/form-data")
    finally:
        del app.config["PHOTO_MAX_BYTES"]
    assert response.status_code == 422
    assert "too large" in text_of(response)
    assert photo_count() == 0


def test_removing_the_photo_asks_first(client, speaker, tmp_path):
    store_photo(speaker, image_bytes())
    db.session.commit()
    confirm = client.get(f"{URL}/photo/delete")
    assert confirm.status_code == 200
    assert "Remove my photo" in text_of(confirm)
    assert validate_html({"profile-photo-delete.html": confirm.data}, tmp_path) == []
    assert photo_count() == 1
    response = client.post(f"{URL}/photo/delete", data={})
    assert response.status_code == 303
    assert photo_count() == 0
    assert actions() == ["person.photo"]
    assert "Your photo is removed." in text_of(client.get(URL))


def test_another_speakers_profile_is_not_reachable(client, make, speaker):
    other = make.conference(slug="lain", published=False)
    make.person(other, "Orang Lain", email="lain@example.org")
    assert client.get("/c/lain/my/profile").status_code == 404
