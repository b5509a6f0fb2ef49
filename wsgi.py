"""WSGI entry point: `gunicorn wsgi:app` (or any WSGI server)."""
from eventapp import create_app

app = create_app()
