"""The CSV uploads, fuzzed: whatever an organiser uploads, the answer is a
preview or a clear error, never a server error, and a refused file writes nothing.

Covered: the agenda import (people and sessions) and the bulk invitations
upload, each through its upload form (a preview, nothing written) and its
confirm form (the step that writes). Inputs mix raw bytes, other encodings,
byte-order marks, ragged rows, odd delimiters and quotes, and huge fields.
Examples are bounded so each test stays well under 20 seconds.
"""
from __future__ import annotations

import csv
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from eventapp.agenda.imports import COLUMNS as AGENDA_COLUMNS
from eventapp.extensions import db
from eventapp.invitations.bulk import COLUMNS as INVITATION_COLUMNS

FUZZ = settings(
    max_examples=30,
    deadline=None,
    database=None,  # no .hypothesis/ folder in the work tree
    derandomize=True,  # the same examples on every run: CI cannot turn red by chance
    # The fixtures (client, signed-in organiser) are set up once per test on
    # purpose: the examples share them and compare row counts before and after.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.data_too_large, HealthCheck.large_base_example],
)

ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1252"]


def _cell() -> st.SearchStrategy[str]:
    return st.one_of(
        st.text(max_size=30),
        st.sampled_from(["", " ", '"', '""', "a,b", "a;b", "x\ny", "2019-11-27", "27/11/2019", "09:00",
                         "25:99", "parallel", "woman", "academia", "id", "en", "-1", "99999999999999999999",
                         "rina@example.org", "not-an-email", "=1+1", "\x00", "\ufeff", "🙂", "é"]),
        st.integers(min_value=250, max_value=6_000).map(lambda n: "x" * n),  # over the columns' limits
    )


def _csv_text(columns: tuple[str, ...] | list[str]) -> st.SearchStrategy[str]:
    """A file that looks like CSV: a header from the real columns (and junk),
    then ragged rows, joined with a random delimiter and line ending."""
    real = st.permutations(list(columns)).flatmap(
        lambda names: st.integers(1, len(names)).map(lambda n: names[:n]))  # mostly known columns
    junk = st.lists(st.one_of(st.sampled_from(list(columns)), st.text(max_size=12)), max_size=12)
    header = st.one_of(real, real, junk)
    rows = st.lists(st.lists(_cell(), max_size=14), max_size=8)
    delimiter = st.sampled_from([",", ";", "\t", "|"])
    newline = st.sampled_from(["\n", "\r\n", "\r"])

    def build(parts) -> str:
        head, body, sep, end = parts
        lines = [sep.join(head)]
        for row in body:
            lines.append(sep.join(f'"{cell}"' if sep in cell and len(cell) % 2 else cell for cell in row))
        return end.join(lines)

    return st.tuples(header, rows, delimiter, newline).map(build)


_NAME = st.text(st.characters(codec="utf-8", categories=["L", "Zs", "P"]), min_size=1, max_size=40)
_EMAIL = st.integers(1, 10**6).map(lambda n: f"fuzz{n}@example.org")
_CLOCK = st.tuples(st.integers(0, 23), st.integers(0, 59)).map(lambda hm: f"{hm[0]:02d}:{hm[1]:02d}")
_SLOT = st.tuples(st.integers(7, 20), st.sampled_from([30, 60, 90])).map(  # a start and a later end
    lambda s: (f"{s[0]:02d}:00", f"{(s[0] * 60 + s[1]) // 60:02d}:{s[1] % 60:02d}"))
# Rows that are nearly right, so the preview and the writing paths are reached too.
_GOOD_ROWS = {
    "people": (["full_name", "email", "sector", "bio_en"],
               st.tuples(_NAME, _EMAIL, st.sampled_from(["academia", "other", "Akademisi", "?"]), _cell())),
    "sessions": (["title_id", "kind", "day", "start", "end", "room", "speakers"],
                 st.tuples(_NAME, st.sampled_from(["parallel", "plenary", "break", "x"]),
                           st.sampled_from(["2026-03-10", "10/03/2026", "2026-03-11"]),
                           st.one_of(_SLOT, st.tuples(_CLOCK, _CLOCK)),
                           st.sampled_from(["", "", "Ruang Uji", "Ruang Lain"]),
                           st.sampled_from(["", "speaker-world@example.org", "Orang Uji", "nobody"]))
                 .map(lambda r: (r[0], r[1], r[2], *r[3], r[4], r[5]))),
    "invitations": (["name", "email", "language", "sector"],
                    st.tuples(_NAME, _EMAIL, st.sampled_from(["id", "en", "fr"]),
                              st.sampled_from(["academia", "other", ""]))),
}


def _good_text(kind: str) -> st.SearchStrategy[str]:
    header, row = _GOOD_ROWS[kind]

    def build(rows) -> str:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
        return out.getvalue()

    return st.lists(row, min_size=1, max_size=6).map(build)


def _any_text(kind: str, columns) -> st.SearchStrategy[str]:
    return st.one_of(_good_text(kind), _csv_text(columns))


def _upload_bytes(kind: str, columns) -> st.SearchStrategy[bytes]:
    # Kept under Werkzeug's 500 KB in-memory limit: bigger test uploads are spooled
    # to a temporary file the test client never closes (a ResourceWarning).
    encoded = st.tuples(_any_text(kind, columns), st.sampled_from(ENCODINGS)).map(
        lambda pair: pair[0].encode(pair[1], errors="replace")[:400_000])
    return st.one_of(encoded, st.binary(max_size=3000))


def _row_counts() -> dict[str, int]:
    """Rows per table: a refused upload must leave every one as it was."""
    db.session.rollback()
    return {table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables}


def _check(response, *, allowed: set[int], seen: list[int]) -> None:
    seen.append(response.status_code)
    assert response.status_code in allowed, response.status_code
    if response.status_code != 303:
        assert response.mimetype == "text/html"


def _preview(organiser, url: str, data: dict, seen: list[int]) -> None:
    """An upload: a preview or a refusal, never a write."""
    before = _row_counts()
    response = organiser.post(url, data=data)
    _check(response, allowed={200, 422}, seen=seen)
    assert _row_counts() == before  # the upload only previews


def _confirm(organiser, url: str, data: dict, seen: list[int]) -> None:
    """A confirm: written and redirected, or refused with nothing written."""
    before = _row_counts()
    response = organiser.post(url, data=data)
    _check(response, allowed={303, 422}, seen=seen)
    if response.status_code == 422:
        assert _row_counts() == before


@pytest.fixture
def organiser(client, sign_in_as, world):
    sign_in_as("organiser")
    return client


@pytest.mark.parametrize("kind", ["people", "sessions"])
def test_agenda_import_never_fails_and_writes_nothing_when_refused(organiser, kind):
    columns = AGENDA_COLUMNS[kind]
    seen: list[int] = []

    @FUZZ
    @given(data=_upload_bytes(kind, columns))
    def upload(data: bytes) -> None:
        _preview(organiser, "/manage/draf/import", {"kind": kind, "file": (io.BytesIO(data), "fuzz.csv")}, seen)

    @FUZZ
    @given(text=_any_text(kind, columns))
    def confirm(text: str) -> None:
        _confirm(organiser, "/manage/draf/import/confirm", {"kind": kind, "text": text}, seen)

    upload()
    confirm()
    # Previews, writes and refusals were all reached, not only the first checks.
    assert {200, 303, 422} <= set(seen), sorted(set(seen))


def test_bulk_invitations_upload_never_fails_and_writes_nothing_when_refused(organiser):
    seen: list[int] = []
    @FUZZ
    @given(data=_upload_bytes("invitations", INVITATION_COLUMNS))
    def upload(data: bytes) -> None:
        _preview(organiser, "/manage/draf/invitations/import", {"file": (io.BytesIO(data), "undangan.csv")}, seen)

    @FUZZ
    @given(text=_any_text("invitations", INVITATION_COLUMNS), reserved=st.sampled_from(["", "y", "x"]),
           respond_by=st.sampled_from(["", "2026-03-01", "2026-02-30", "kemarin"]))
    def confirm(text: str, reserved: str, respond_by: str) -> None:
        _confirm(organiser, "/manage/draf/invitations/import/confirm",
                 {"text": text, "reserved_seat": reserved, "respond_by": respond_by}, seen)

    upload()
    confirm()
    # Previews, writes and refusals were all reached, not only the first checks.
    assert {200, 303, 422} <= set(seen), sorted(set(seen))


def test_a_refused_upload_says_why(organiser, english):
    """The fuzzing above only sees status codes; here the message itself."""
    response = organiser.post("/manage/draf/invitations/import",
                              data={"file": (io.BytesIO("name;email\nSiti;siti@example.org\n".encode("utf-16")),
                                             "undangan.csv")})
    assert response.status_code == 422
    assert "not UTF-8" in response.get_data(as_text=True)
    response = organiser.post("/manage/draf/import",
                              data={"kind": "people", "file": (io.BytesIO(b"\x00\x01\x02"), "orang.csv")})
    assert response.status_code == 422
    assert "not a CSV text file" in response.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/manage/draf/import", "/manage/draf/invitations/import"])
def test_an_oversized_upload_is_refused_without_writing(organiser, english, url):
    from werkzeug.datastructures import FileStorage
    from werkzeug.test import encode_multipart

    from eventapp.agenda.imports import MAX_UPLOAD_BYTES

    big = b"full_name,email\n" + b"x" * MAX_UPLOAD_BYTES
    # Encoded in memory: the test client's own spooling of big bodies leaks a temporary file.
    boundary, body = encode_multipart({"kind": "people", "file": FileStorage(io.BytesIO(big), "besar.csv")})
    before = _row_counts()
    response = organiser.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 422
    assert "too large" in response.get_data(as_text=True)
    assert _row_counts() == before
