"""Who may fetch a speaker's photo: everyone once it is in the latest release
of a published conference; before that only the speaker and the organisers."""
import pytest

from eventapp.agenda.models import RoleKind
from eventapp.extensions import db
from eventapp.people.models import Person
from eventapp.people.photos import store_photo

from ..access import ROLES, check_access
from .test_photos import image_bytes

EVERYONE_200 = (200, 200, 200, 200, 200, 200)
NOBODY = (404, 404, 404, 404, 404, 404)

MATRIX = [
    # The world's person (someone else than the "speaker" role) in the draft conference.
    ("GET", "/c/draf/people/{person}/photo/{photo}.jpg", (404, 404, 404, 404, 404, 200), None),
    ("GET", "/c/draf/people/{person}/photo/0123456789ab.jpg", NOBODY, None),
    # A person in the published conference whose photo is in its latest release.
    ("GET", "/c/terbit/people/{public_person}/photo/{public_photo}.jpg", EVERYONE_200, None),
    ("GET", "/c/terbit/people/{person}/photo/{photo}.jpg", NOBODY, None),  # wrong conference
]


@pytest.fixture
def world(world, make):
    """The shared world, with photos: one private (draft), one published."""
    person = db.session.get(Person, world["person"])
    world["photo"] = store_photo(person, image_bytes()).version
    published = world["published"]
    public_person = make.person(published, "Orang Terbit")
    make.role(make.session(published), public_person, RoleKind.SPEAKER)
    world["public_photo"] = store_photo(public_person, image_bytes(colour="blue")).version
    db.session.commit()
    make.publish(published)
    world["public_person"] = public_person.id
    return world


@pytest.mark.parametrize(("method", "url", "expected", "data"), MATRIX, ids=[f"{m} {u}" for m, u, *_ in MATRIX])
@pytest.mark.parametrize("role", ROLES)
def test_access(client, sign_in_as, world, role, method, url, expected, data):
    check_access(client, sign_in_as, world, role, method, url, expected, data)
