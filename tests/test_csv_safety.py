"""Every CSV download is safe to open in a spreadsheet (no CSV/formula injection).

The test finds the CSV exports itself: it walks the app's URL map, requests
every GET route (through the URLs of the access matrices, which must cover
every route) as the organiser of "draf", and checks each response whose type
is text/csv. Values an outsider could type (a name, an organisation, an
answer, a session title…) are planted beforehand as formulas, so a new export
that forgets `eventapp.csv_export` fails here.
"""
from __future__ import annotations

import csv
import io
import re

import pytest

from eventapp.agenda.models import RoleKind
from eventapp.csv_export import FORMULA_START, csv_bytes, spreadsheet_safe
from eventapp.extensions import db
from eventapp.invitations.services import Invitee, invite_delegate
from eventapp.registration.models import QuestionKind, RegistrationQuestion

from .test_access import _all_matrices, _as_pattern

FORMULA = '=HYPERLINK("http://x","click")'


@pytest.mark.parametrize(("value", "expected"), [
    ("=1+1", "'=1+1"), ("+62 812", "'+62 812"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"), ("\r=1", "'\r=1"), ("Budi", "Budi"), ("", ""), (None, ""), (3, "3"),
    ("a=1", "a=1"), ("'=1", "'=1"),
])
def test_spreadsheet_safe(value, expected):
    assert spreadsheet_safe(value) == expected


def test_csv_bytes_neutralises_the_header_too_and_starts_with_a_bom():
    data = csv_bytes([["=head", "name"], ["-1", "Budi"]])
    assert data.startswith("\ufeff".encode())
    assert list(csv.reader(io.StringIO(data.decode("utf-8-sig")))) == [["'=head", "name"], ["'-1", "Budi"]]


@pytest.fixture
def planted(world, make):
    """Formulas wherever an outsider or an organiser can type text in "draf"."""
    draft = world["draft"]
    room = make.room(draft, "+Ruang Formula")
    theme = make.sub_theme(draft, code="RUMUS", title_id="@Sub tema", title_en="@Sub-theme")
    person = make.person(draft, FORMULA, email="formula@example.org", organisation="-Organisasi",
                         position="@Jabatan")
    talk = make.session(draft, (11, 0), (12, 0), room=room, sub_theme=theme, title_id=FORMULA,
                        title_en=FORMULA, abstract_id="-abstrak", abstract_en="+abstract")
    make.role(talk, person, RoleKind.SPEAKER)
    question = RegistrationQuestion(conference_id=draft.id, label_id="=pertanyaan", label_en="=question",
                                    kind=QuestionKind.SHORT_TEXT)
    db.session.add(question)
    db.session.flush()
    make.registration(draft, email="peserta.formula@example.org", full_name=FORMULA, organisation="+Org",
                      position="\t=cmd", phone="+62 812 3456", province="=Jawa", regency="\r=Kota",
                      needs_other="@kursi", dietary="-pedas", answers={str(question.id): "=jawaban"},
                      sessions=[talk])
    invite_delegate(draft, Invitee(email="undangan.formula@example.org", full_name=FORMULA,
                                   organisation="=Kementerian", position="+Direktur"), send=False)
    db.session.commit()
    make.publish(draft)  # the public agenda.csv shows the latest release
    return world


class _Ids(dict):
    """The world's ids; a placeholder of some area's own fixture gets an id that
    simply is not there (that URL then 404s, other URLs of its route remain)."""

    def __missing__(self, key: str) -> str:
        return "999999"


def _get_urls(app, world) -> dict[str, list[str]]:
    """Concrete URLs per GET route of the app ({rule: urls}), from the access matrices."""
    rows = [url for method, url, *_ in _all_matrices() if method == "GET"]
    ids = _Ids(world)
    urls: dict[str, list[str]] = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or "GET" not in rule.methods:
            continue
        pattern = _as_pattern(rule.rule)
        urls[rule.rule] = sorted({url.format_map(ids) for url in rows
                                  if pattern.match(url.replace("{", "").replace("}", "").split("?")[0])})
    return urls


def _cells(body: bytes) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")) for cell in row]


def test_every_csv_export_neutralises_formulas(app, client, sign_in_as, planted):
    sign_in_as("organiser")
    exports: dict[str, list[str]] = {}
    csv_rules = set()
    for rule, urls in _get_urls(app, planted).items():
        for url in urls:
            response = client.get(url)
            if response.mimetype == "text/csv" and response.status_code == 200:
                exports[url] = _cells(response.data)
                csv_rules.add(rule)
    # A route that looks like a CSV download but was never reached as one is not checked: say so.
    assert {rule for rule in _get_urls(app, planted) if rule.endswith(".csv")} <= csv_rules
    # The walk did find the exports (and would find a new one).
    found = {re.sub(r"\?.*", "", url) for url in exports}
    assert {"/manage/draf/registrations.csv", "/manage/draf/invitations.csv", "/c/draf/agenda.csv",
            "/manage/draf/insights/sessions.csv"} <= found, sorted(found)
    dangerous = {url: [cell for cell in cells if cell.startswith(FORMULA_START)] for url, cells in exports.items()}
    assert {url: cells for url, cells in dangerous.items() if cells} == {}
    # The planted values reached the exports that hold them, neutralised, not dropped.
    for url in ("/manage/draf/registrations.csv", "/manage/draf/invitations.csv", "/c/draf/agenda.csv"):
        assert "'" + FORMULA in exports[url], url
    assert "'+62 812 3456" in exports["/manage/draf/registrations.csv"]
    assert "'=jawaban" in exports["/manage/draf/registrations.csv"]
