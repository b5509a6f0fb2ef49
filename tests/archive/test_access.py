import pytest

from ..access import ROLES, check_access


def expected(default: int = 404, **by_role: int) -> tuple[int, ...]:
    """One status per role in ROLES, by name, so added roles get the default."""
    return tuple(by_role.get(role, default) for role in ROLES)


MATRIX = [
    # Organisers only: the archive holds every attendee's personal data.
    ("GET", "/manage/draf/archive.json", expected(anonymous=302, organiser=200), None),
    ("GET", "/manage/terbit/archive.json", expected(anonymous=302, other_organiser=200, organiser=200), None),
    ("GET", "/manage/tidak-ada/archive.json", expected(anonymous=302), None),
]


@pytest.mark.parametrize(("method", "url", "expected", "data"), MATRIX, ids=[f"{m} {u}" for m, u, *_ in MATRIX])
@pytest.mark.parametrize("role", ROLES)
def test_access(client, sign_in_as, world, role, method, url, expected, data):
    check_access(client, sign_in_as, world, role, method, url, expected, data)
