"""Who may open and post to the organisers' registration pages (see tests/access.py).

Besides the shared world, conference "draf" gets a confirmed registration with a
session choice ({registration}), one awaiting approval ({pending}) and a question
({question}); their ids under "terbit" are not found."""
import pytest

from eventapp.extensions import db
from eventapp.registration import services as reg
from eventapp.registration.models import QuestionKind
from eventapp.registration.questions import create_question

from ..access import MANAGE_GET, ROLES, check_access, manage_post

SETTINGS = "/manage/draf/registration"
QUESTIONS = SETTINGS + "/questions"
QUESTION = QUESTIONS + "/{question}"
LIST = "/manage/draf/registrations"
ONE = LIST + "/{registration}"
NOBODY = (302, 404, 404, 404, 404, 404)
OTHER = (302, 404, 404, 404, 200, 200)  # "terbit": both organisers manage it
GOOD_SETTINGS = {"registration_mode": "open", "opens_on": "", "opens_time": "", "closes_on": "",
                 "closes_time": "", "registration_capacity": "50", "requires_approval": "y"}
GOOD_QUESTION = {"label_id": "Ukuran kaos", "label_en": "T-shirt size", "kind": "single_choice",
                 "options": "S\nM\nL", "required": "y"}

MATRIX = [
    ("GET", SETTINGS, MANAGE_GET, None),
    ("GET", "/manage/terbit/registration", OTHER, None),
    ("GET", "/manage/tidak-ada/registration", NOBODY, None),
    ("POST", SETTINGS, manage_post(), GOOD_SETTINGS),
    ("POST", SETTINGS, manage_post(422), {**GOOD_SETTINGS, "opens_on": "2030-01-02", "opens_time": "09:00",
                                          "closes_on": "2030-01-01", "closes_time": "09:00"}),
    ("GET", QUESTIONS, MANAGE_GET, None),
    ("POST", QUESTIONS, manage_post(), GOOD_QUESTION),
    ("POST", QUESTIONS, manage_post(422), {**GOOD_QUESTION, "options": "S"}),
    ("GET", QUESTION, MANAGE_GET, None),
    ("POST", QUESTION, manage_post(), GOOD_QUESTION),
    ("POST", QUESTION, manage_post(422), {**GOOD_QUESTION, "label_id": "", "label_en": ""}),
    ("POST", QUESTION + "/move", manage_post(), {"direction": "down"}),
    ("POST", QUESTION + "/delete", manage_post(), {}),
    ("GET", LIST, MANAGE_GET, None),
    ("GET", LIST + "?status=confirmed&session={session}&sector=other&need=need_captions&checked_in=no"
            "&q=hadir&sort=-registered&page=2", MANAGE_GET, None),
    ("GET", "/manage/terbit/registrations", OTHER, None),
    ("GET", "/manage/tidak-ada/registrations", NOBODY, None),
    ("GET", LIST + ".csv", MANAGE_GET, None),
    ("GET", LIST + ".csv?status=waiting", MANAGE_GET, None),
    ("GET", "/manage/terbit/registrations.csv", OTHER, None),
    ("GET", ONE, MANAGE_GET, None),
    ("POST", LIST + "/{pending}/approve", manage_post(), {}),
    ("POST", ONE + "/approve", manage_post(422), {}),  # already confirmed
    ("POST", ONE + "/cancel", manage_post(), {}),
    ("POST", ONE + "/move", manage_post(), {"slot": "{slot}", "session": ""}),
    ("POST", ONE + "/move", manage_post(422), {"slot": "20000101T0000", "session": "{session}"}),
    ("POST", ONE + "/erase", manage_post(), {"confirm": "yes"}),
    ("POST", ONE + "/erase", manage_post(422), {}),
    # Ids of "draf" under the other conference's address: not found, even for its organisers.
    ("GET", "/manage/terbit/registrations/{registration}", NOBODY, None),
    ("POST", "/manage/terbit/registrations/{pending}/approve", NOBODY, {}),
    ("POST", "/manage/terbit/registrations/{registration}/cancel", NOBODY, {}),
    ("POST", "/manage/terbit/registrations/{registration}/move", NOBODY, {"slot": "{slot}", "session": ""}),
    ("POST", "/manage/terbit/registrations/{registration}/erase", NOBODY, {"confirm": "yes"}),
    ("GET", "/manage/terbit/registration/questions/{question}", NOBODY, None),
    ("POST", "/manage/terbit/registration/questions/{question}", NOBODY, GOOD_QUESTION),
    ("POST", "/manage/terbit/registration/questions/{question}/move", NOBODY, {"direction": "up"}),
    ("POST", "/manage/terbit/registration/questions/{question}/delete", NOBODY, {}),
    ("GET", LIST + "/999999", NOBODY, None),
    ("POST", QUESTIONS + "/999999/delete", NOBODY, {}),
]


@pytest.fixture
def registration_world(world):
    draft = world["draft"]
    slot = reg.choice_slots(draft)[0]
    confirmed = reg.register(draft, reg.Registrant(email="hadir@example.org", full_name="Peserta Hadir"),
                             {slot.key: world["session"]}, consent=True).registration
    draft.registration_requires_approval = True
    pending = reg.register(draft, reg.Registrant(email="tunggu@example.org", full_name="Peserta Tunggu"),
                           consent=True).registration
    draft.registration_requires_approval = False
    question = create_question(draft, label_id="Asal daerah", label_en="", kind=QuestionKind.SHORT_TEXT)
    db.session.commit()
    return {**world, "registration": confirmed.id, "pending": pending.id, "question": question.id,
            "slot": slot.key}


def _format(data, ids):
    return {key: value.format(**ids) for key, value in data.items()} if data else data


@pytest.mark.parametrize(("method", "url", "expected", "data"), MATRIX, ids=[f"{m} {u}" for m, u, *_ in MATRIX])
@pytest.mark.parametrize("role", ROLES)
def test_access(client, sign_in_as, registration_world, role, method, url, expected, data):
    check_access(client, sign_in_as, registration_world, role, method, url, expected,
                 _format(data, registration_world))
