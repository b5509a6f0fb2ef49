"""CSV exports of the insight tables: every count suppressed (issue 8)."""
import csv
import io

import pytest

from eventapp.agenda.models import RoleKind
from eventapp.extensions import db
from eventapp.invitations.services import Invitee, create_category, invite_delegate
from eventapp.people.models import Gender, Sector

pytestmark = pytest.mark.usefixtures("english")

TABLES = ["speakers-by-role", "sector-mix", "sub-themes", "sessions", "participation-gender",
          "participation-sector", "participation-province", "invitations", "accessibility-sessions"]


@pytest.fixture
def conference(make, auth):
    conf = make.conference(slug="ekspor")
    auth.login(make.organiser(conf))
    theme = make.sub_theme(conf, code="ANG", title_en="Budgets")
    manel = make.session(conf, (9, 0), (10, 0), title_id="=Panel Pria", title_en="=Men's panel", sub_theme=theme)
    for n in range(2):
        make.role(manel, make.person(conf, f"Pak {n}", gender=Gender.MAN, sector=Sector.ACADEMIA))
    big = make.session(conf, (11, 0), (12, 0), title_id="Panel Besar", title_en="Big panel")
    for n in range(6):
        make.role(big, make.person(conf, f"Ibu {n}", gender=Gender.WOMAN, sector=Sector.CIVIL_SOCIETY))
    make.role(big, make.person(conf, "Pak Moderator", gender=Gender.MAN), RoleKind.MODERATOR)
    for n in range(6):
        make.registration(conf, sessions=[big], gender=Gender.WOMAN, sector=Sector.MEDIA, province="Aceh",
                          need_step_free=(n == 0))
    make.registration(conf, sessions=[manel], gender=Gender.MAN, province="Papua")
    category = create_category(conf, "Partners", quota=10)
    for n in range(2):
        invite_delegate(conf, Invitee(email=f"partner{n}@example.org", full_name=f"Partner {n}"),
                        category=category, send=False)
    db.session.commit()
    return conf


def _rows(response) -> list[list[str]]:
    body = response.data
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


@pytest.mark.parametrize("table", TABLES)
def test_every_table_is_a_suppressed_csv_attachment(client, conference, table):
    response = client.get(f"/manage/ekspor/insights/{table}.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment") and f"ekspor-{table}.csv" in disposition
    rows = _rows(response)
    assert len(rows) >= 2 and all(len(row) == len(rows[0]) for row in rows)
    for row in rows[1:]:
        for cell in row:
            # No count from 1 to 4 appears as a number.
            assert cell not in ("1", "2", "3", "4"), (table, row)


def test_speakers_by_role(client, conference):
    rows = _rows(client.get("/manage/ekspor/insights/speakers-by-role.csv"))
    assert rows[0][:3] == ["Role", "Seats", "Woman"]
    speakers = next(row for row in rows if row[0] == "Speaker")
    assert speakers[:4] == ["Speaker", "8", "6", "<5"]
    moderators = next(row for row in rows if row[0] == "Moderator")
    assert moderators[:4] == ["Moderator", "<5", "0", "<5"]


def test_sessions_flags_and_formula_safety(client, conference):
    rows = _rows(client.get("/manage/ekspor/insights/sessions.csv"))
    by_title = {row[0]: row for row in rows[1:]}
    manel = by_title["'=Men's panel"]  # a leading "=" is neutralised
    assert manel[2:] == ["0", "<5", "0", "0", "<5", "yes", "yes"]
    big = by_title["Big panel"]
    assert big[2:] == ["6", "0", "0", "0", "<5", "no", "yes"]


def test_participation_and_accessibility(client, conference):
    rows = _rows(client.get("/manage/ekspor/insights/participation-province.csv"))
    assert ["Aceh", "6", "0"] in rows and ["Papua", "<5", "0"] in rows
    assert rows[-1] == ["Total", "7", "0"]
    rows = _rows(client.get("/manage/ekspor/insights/accessibility-sessions.csv"))
    big = next(row for row in rows if row[0] == "Big panel")
    assert big[2:4] == ["6", "<5"]
    rows = _rows(client.get("/manage/ekspor/insights/invitations.csv"))
    assert rows[1][:3] == ["Partners", "10", "<5"]


def test_unknown_table_is_not_found(client, conference):
    assert client.get("/manage/ekspor/insights/everyone.csv").status_code == 404


@pytest.mark.parametrize("table", ["sessions", "accessibility-sessions", "sub-themes"])
def test_exports_use_a_bounded_number_of_queries(client, conference, make, count_queries, table):
    url = f"/manage/ekspor/insights/{table}.csv"
    client.get(url)
    with count_queries() as queries:
        client.get(url)
    before = len(queries)
    for n in range(5):
        s = make.session(conference, (13, 0), (14, 0), title_id=f"Tambahan {n}", sub_theme=make.sub_theme(conference))
        make.role(s, make.person(conference, gender=Gender.WOMAN))
        make.role(s, make.person(conference, gender=Gender.MAN))
        make.registration(conference, sessions=[s], need_captions=True)
    with count_queries() as queries:
        assert client.get(url).status_code == 200
    assert len(queries) == before
