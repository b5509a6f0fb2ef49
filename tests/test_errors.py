from datetime import date

from sqlalchemy import func, select

from eventapp import create_app
from eventapp.conferences.models import Conference
from eventapp.extensions import db

from .conftest import app_config


def test_server_error_page_rolls_back_the_half_done_work(database_url):
    app = create_app(app_config(database_url, TESTING=False))

    @app.get("/boom")
    def boom():
        db.session.add(Conference(slug="half-written", title_id="X",
                                  starts_on=date(2026, 1, 1),
                                  ends_on=date(2026, 1, 1)))
        db.session.flush()
        raise RuntimeError("kaboom")

    app.logger.disabled = True
    try:
        response = app.test_client().get("/boom")
    finally:
        with app.app_context():
            db.engine.dispose()  # this second app's pool must not outlive the test
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Terjadi kesalahan" in page and 'class="site-header"' in page
    assert "kaboom" not in page
    assert db.session.scalar(select(func.count()).select_from(Conference)) == 0


def test_method_not_allowed_has_a_page(client):
    response = client.delete("/")
    assert response.status_code == 405
    assert "Tidak diizinkan" in response.get_data(as_text=True)


def test_a_request_body_over_the_limit_gets_the_413_page(client, app):
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    try:
        response = client.post("/login", data={"email": "x" * (2 * 1024 * 1024), "password": "y"})
    finally:
        app.config["MAX_CONTENT_LENGTH"] = 20 * 1024 * 1024
    assert response.status_code == 413
    assert "1 MB" in response.get_data(as_text=True)
