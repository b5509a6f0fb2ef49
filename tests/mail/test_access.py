"""Who may open the Outbox and retry a message (see tests/access.py).

Besides the shared world, conference "draf" gets a failed message
({message}) and a sent one ({sent}); "terbit" gets one too ({published_message}).
A message id under another conference's address is not found.
"""
import pytest

from eventapp.extensions import db
from eventapp.mail.models import MessageStatus, OutboxMessage

from ..access import MANAGE_GET, ROLES, check_access, manage_post

BASE = "/manage/draf/outbox"
NOBODY = (302, 404, 404, 404, 404, 404)
BOTH_ORGANISERS = (302, 404, 404, 404, 200, 200)

MATRIX = [
    ("GET", BASE, MANAGE_GET, None),
    ("GET", BASE + "?status=failed&q=uji&page=2", MANAGE_GET, None),
    ("GET", "/manage/terbit/outbox", BOTH_ORGANISERS, None),
    ("GET", "/manage/tidak-ada/outbox", NOBODY, None),
    ("GET", BASE + "/{message}", MANAGE_GET, None),
    ("GET", BASE + "/{sent}", MANAGE_GET, None),
    ("GET", "/manage/terbit/outbox/{published_message}", BOTH_ORGANISERS, None),
    ("POST", BASE + "/{message}/retry", manage_post(), {}),
    ("POST", BASE + "/{sent}/retry", manage_post(422), {}),  # only a failed message
    ("POST", "/manage/terbit/outbox/{published_message}/retry", (302, 404, 404, 404, 303, 303), {}),
    # Ids of "draf" under the other conference's address: not found, even for its organisers.
    ("GET", "/manage/terbit/outbox/{message}", NOBODY, None),
    ("POST", "/manage/terbit/outbox/{message}/retry", NOBODY, {}),
    ("GET", BASE + "/999999", NOBODY, None),
    ("POST", BASE + "/999999/retry", NOBODY, {}),
    ("GET", BASE + "/{message}/retry", (405,) * 6, None),
]


def _message(conference, n: int, status: MessageStatus) -> int:
    row = OutboxMessage(
        conference_id=conference.id, kind="invitation", message_id=f"<access-{n}@eventapp.test>",
        to_address=f"uji{n}@example.org", language="id", subject=f"Undangan uji {n}",
        body_text="Isi", body_html="<p>Isi</p>", attachments=[], status=status,
        last_error="550 5.1.1 no such user" if status is MessageStatus.FAILED else "",
    )
    db.session.add(row)
    db.session.flush()
    return row.id


@pytest.fixture
def mail_world(world):
    ids = {
        "message": _message(world["draft"], 1, MessageStatus.FAILED),
        "sent": _message(world["draft"], 2, MessageStatus.SENT),
        "published_message": _message(world["published"], 3, MessageStatus.FAILED),
    }
    db.session.commit()
    return {**world, **ids}


@pytest.mark.parametrize(("method", "url", "expected", "data"), MATRIX, ids=[f"{m} {u}" for m, u, *_ in MATRIX])
@pytest.mark.parametrize("role", ROLES)
def test_access(client, sign_in_as, mail_world, role, method, url, expected, data):
    check_access(client, sign_in_as, mail_world, role, method, url, expected, data)
