"""The public participant list: only confirmed people who agreed, nothing private."""
from __future__ import annotations

from eventapp.extensions import db
from eventapp.registration import services as reg

from ..checkers import validate_html


def register(conference, n: int, listed: bool, **kw):
    person = reg.Registrant(email=f"p{n}@example.org", full_name=f"Peserta {n:03d}", organisation=f"Org {n}",
                            phone="0812-rahasia", public_listing=listed, province="Bali", **kw)
    return reg.register(conference, person, consent=True).registration


def test_only_confirmed_people_who_agreed_are_listed(client, make, tmp_path):
    conference = make.conference(registration_capacity=2)
    first = register(conference, 1, True)
    register(conference, 2, False)
    register(conference, 3, True)  # on the waiting list: not listed
    db.session.commit()
    page = client.get(f"/c/{conference.slug}/participants")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Peserta 001" in text and "Org 1" in text and "Bali" in text
    assert "Peserta 002" not in text and "Peserta 003" not in text
    assert "p1@example.org" not in text and "rahasia" not in text
    reg.erase(first)  # on request: gone from the list; the freed seat goes to number 3
    db.session.commit()
    after = client.get(f"/c/{conference.slug}/participants").get_data(as_text=True)
    assert "Peserta 001" not in after and "Peserta 003" in after
    assert validate_html({"participants.html": page.data}, tmp_path) == []


def test_long_lists_are_paged_with_two_queries(client, make, count_queries):
    conference = make.conference()
    for n in range(1, 106):
        register(conference, n, True)
    db.session.commit()
    with count_queries() as queries:
        first = client.get(f"/c/{conference.slug}/participants").get_data(as_text=True)
    second = client.get(f"/c/{conference.slug}/participants?page=2").get_data(as_text=True)
    assert "Peserta 100" in first and "Peserta 101" not in first
    assert "Peserta 105" in second and "Peserta 001" not in second
    assert len(queries) <= 6


def test_empty_list_says_so(client, make):
    conference = make.conference()
    assert "Nobody is listed yet." in client.get(f"/c/{conference.slug}/participants",
                                                 headers={"Accept-Language": "en"}).get_data(as_text=True)
