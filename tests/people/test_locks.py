"""Organisers lock profile fields against the speaker's edits, and manage the photo."""
from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from eventapp.audit.models import AuditEntry
from eventapp.errors import DomainError
from eventapp.extensions import db
from eventapp.people.models import Person, PersonPhoto
from eventapp.people.photos import store_photo
from eventapp.people.profile import set_locks

from ..checkers import validate_html
from .test_photos import image_bytes

pytestmark = pytest.mark.usefixtures("english")  # they assert on English messages


@pytest.fixture
def conf(make, auth):
    conference = make.conference(slug="kunci", published=False)
    auth.login(make.organiser(conference))
    return conference


@pytest.fixture
def person(make, conf):
    return make.person(conf, "Dewi Kunci", email="dewi@example.org", position="Kepala")


FORM = {"honorific": "", "full_name": "Dewi Kunci", "position": "Kepala", "organisation": "",
        "sector": "other", "gender": "not_stated", "email": "dewi@example.org", "bio_id": "", "bio_en": ""}


def edit_url(person: Person) -> str:
    return f"/manage/kunci/people/{person.id}/edit"


def fresh(person_id: int) -> Person:
    db.session.expire_all()
    return db.session.get(Person, person_id)


def photo_count() -> int:
    return db.session.scalar(select(func.count()).select_from(PersonPhoto))


def test_the_edit_page_has_a_checkbox_per_lockable_field(client, person, tmp_path):
    response = client.get(edit_url(person))
    page = response.get_data(as_text=True)
    assert "Fields the speaker cannot change" in page
    boxes = re.findall(r'<input[^>]*name="locked_fields"[^>]*value="([a-z_]+)"', page)
    assert boxes == ["honorific", "position", "organisation", "bio_id", "bio_en", "photo"]
    assert 'enctype="multipart/form-data"' in page
    assert validate_html({"person-edit.html": response.data}, tmp_path) == []


def test_the_new_person_page_has_no_locks(client, conf):
    page = client.get("/manage/kunci/people/new").get_data(as_text=True)
    assert 'name="locked_fields"' not in page and 'name="photo_upload"' not in page


def test_lock_checkboxes_persist(client, person):
    response = client.post(edit_url(person), data={**FORM, "locked_fields": ["photo", "position"]})
    assert response.status_code == 303
    assert fresh(person.id).locked_fields == ["position", "photo"]  # SPEAKER_EDITABLE_FIELDS order
    page = client.get(edit_url(person)).get_data(as_text=True)
    checked = re.findall(r'<input checked[^>]*value="([a-z_]+)"|<input[^>]*value="([a-z_]+)"[^>]*checked', page)
    assert sorted(a or b for a, b in checked) == ["photo", "position"]
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action == "person.locks")) == 1
    # Unticking every box unlocks everything.
    assert client.post(edit_url(person), data=FORM).status_code == 303
    assert fresh(person.id).locked_fields == []


def test_an_unknown_lock_is_refused(client, person):
    response = client.post(edit_url(person), data={**FORM, "locked_fields": ["full_name"]})
    assert response.status_code == 422
    assert fresh(person.id).locked_fields == []


def test_set_locks_service(person):
    assert set_locks(person, {"bio_en", "honorific"}, actor=None) == ["honorific", "bio_en"]
    assert person.is_locked("bio_en") and not person.is_locked("position")
    with pytest.raises(DomainError):
        set_locks(person, ["email"], actor=None)


def test_organisers_are_not_bound_by_locks(client, person):
    person.locked_fields = ["position", "photo"]
    db.session.commit()
    data = {**FORM, "position": "Direktur", "locked_fields": ["position", "photo"],
            "photo_upload": (io.BytesIO(image_bytes()), "dewi.png")}
    response = client.post(edit_url(person), data=data, content_type="multipart/form-data")
    assert response.status_code == 303
    assert fresh(person.id).position == "Direktur"
    assert photo_count() == 1


def test_organisers_can_upload_and_remove_the_photo(client, person, tmp_path):
    data = {**FORM, "photo_upload": (io.BytesIO(image_bytes((1600, 800), "JPEG")), "x.jpg")}
    assert client.post(edit_url(person), data=data, content_type="multipart/form-data").status_code == 303
    photo = db.session.get(PersonPhoto, person.id)
    assert (photo.width, photo.height) == (800, 400)
    response = client.get(edit_url(person))
    page = response.get_data(as_text=True)
    src = re.search(r'<img src="([^"]+)" alt="Dewi Kunci" width="800" height="400"', page)
    assert src is not None and client.get(src.group(1)).status_code == 200
    assert 'name="remove_photo"' in page
    assert validate_html({"person-edit-photo.html": response.data}, tmp_path) == []
    assert client.post(edit_url(person), data={**FORM, "remove_photo": "y"}).status_code == 303
    assert photo_count() == 0


def test_a_bad_upload_shows_the_message_and_saves_nothing(client, person):
    data = {**FORM, "position": "Direktur",
            "photo_upload": (io.BytesIO(b"not an image at all"), "photo.jpg")}
    response = client.post(edit_url(person), data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "must be a JPEG, PNG or WebP" in page
    assert 'id="photo_upload-error"' in page
    assert fresh(person.id).position == "Kepala"
    assert photo_count() == 0


def test_store_photo_ignores_locks(person):
    """store_photo itself does not look at locks (organisers use it too)."""
    person.locked_fields = ["photo"]
    assert store_photo(person, image_bytes()).width == 120
