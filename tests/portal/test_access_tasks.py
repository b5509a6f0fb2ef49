"""The speakers' checklist: organisers of the conference manage it; its
speakers tick items (the matrix "speaker" is a speaker of "draf")."""
import pytest

from eventapp.extensions import db
from eventapp.portal.speaker_services import create_task

from ..access import MANAGE_GET, ROLES, check_access, manage_post

TASK = {"title_id": "Kirim salindia", "title_en": "", "details_id": "", "details_en": "", "due_on": ""}

MATRIX = [
    ("POST", "/c/draf/my/tasks/{task}", (302, 404, 303, 404, 404, 404), {"done": "1"}),
    ("POST", "/c/terbit/my/tasks/{task}", (302, 404, 404, 404, 404, 404), {"done": "1"}),
    ("GET", "/manage/draf/speaker-tasks", MANAGE_GET, None),
    ("POST", "/manage/draf/speaker-tasks", manage_post(), TASK),
    ("GET", "/manage/draf/speaker-tasks/{task}/edit", MANAGE_GET, None),
    ("POST", "/manage/draf/speaker-tasks/{task}/edit", manage_post(), TASK),
    ("GET", "/manage/draf/speaker-tasks/{task}/delete", MANAGE_GET, None),
    ("POST", "/manage/draf/speaker-tasks/{task}/delete", manage_post(), {}),
    ("GET", "/manage/terbit/speaker-tasks/{task}/edit", (302, 404, 404, 404, 404, 404), None),
]


@pytest.fixture
def world(world):
    """The shared world plus one checklist item of "draf"."""
    task = create_task(world["draft"], title_id="Kirim biodata", title_en="Send your bio")
    db.session.commit()
    return {**world, "task": task.id}


@pytest.mark.parametrize(("method", "url", "expected", "data"), MATRIX, ids=[f"{m} {u}" for m, u, *_ in MATRIX])
@pytest.mark.parametrize("role", ROLES)
def test_access(client, sign_in_as, world, role, method, url, expected, data):
    check_access(client, sign_in_as, world, role, method, url, expected, data)
