"""Configuration, read from the environment.

| variable        | default                                   |
|-----------------|-------------------------------------------|
| EVENTAPP_ENV    | development (or production)               |
| DATABASE_URL    | sqlite:///<instance>/eventapp.sqlite3     |
| SECRET_KEY      | generated once into instance/secret_key (development only) |
| MAIL_SERVER …   | see README                                |
| CACHE_REDIS_URL | unset: in-process cache (SimpleCache)     |
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from .security import DEFAULT_CSP, DEFAULT_PERMISSIONS_POLICY


LANGUAGES = ("id", "en")  # Indonesian first


class ConfigError(SystemExit):
    """Stops the process with one readable line instead of a stack trace."""

    def __init__(self, message: str) -> None:
        super().__init__(f"eventapp: {message}")


def normalise_database_url(url: str) -> str:
    """Accept the URL forms hosting providers hand out and pick the psycopg 3 driver."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key(instance_path: Path, production: bool) -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if production:
        raise ConfigError(
            "SECRET_KEY is not set. A production start needs one, e.g. "
            "SECRET_KEY=$(python -c 'import secrets; print(secrets.token_hex(32))')"
        )
    # Development: generate once and keep it, so sessions survive restarts.
    path = instance_path / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key


def _default_locale() -> str:
    locale = os.environ.get("DEFAULT_LOCALE", "id")
    if locale not in LANGUAGES:
        raise ConfigError(f"DEFAULT_LOCALE must be one of {', '.join(LANGUAGES)}, not {locale!r}")
    return locale


def _mail_delivery(production: bool) -> str:
    value = os.environ.get("MAIL_DELIVERY")
    if value is None:
        return "smtp" if production or os.environ.get("MAIL_SERVER") else "keep"
    if value not in {"smtp", "keep"}:
        raise ConfigError(f"MAIL_DELIVERY must be 'smtp' or 'keep', not {value!r}")
    return value


def _log_format(production: bool) -> str:
    value = os.environ.get("LOG_FORMAT") or ("json" if production else "text")
    if value not in {"text", "json"}:
        raise ConfigError(f"LOG_FORMAT must be 'text' or 'json', not {value!r}")
    return value


def _hsts_seconds(production: bool) -> int:
    if not production:
        return 0
    value = int(os.environ.get("HSTS_SECONDS", str(365 * 24 * 3600)))
    if value < 0:
        raise ConfigError(f"HSTS_SECONDS must be 0 (off) or more, not {value}")
    return value


def load_config(instance_path: Path, overrides: dict[str, object] | None = None) -> dict[str, object]:
    """Settings from the environment; `overrides` (tests, embedding) win over it."""
    overrides = overrides or {}
    env = str(overrides.get("EVENTAPP_ENV") or os.environ.get("EVENTAPP_ENV", "development"))
    env = env.strip().lower()
    if env not in {"development", "production"}:
        raise ConfigError(f"EVENTAPP_ENV must be 'development' or 'production', not {env!r}")
    production = env == "production"
    default_db = f"sqlite:///{instance_path / 'eventapp.sqlite3'}"
    return {
        "EVENTAPP_ENV": env,
        "SECRET_KEY": overrides.get("SECRET_KEY") or _secret_key(instance_path, production),
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(
            str(
                overrides.get("SQLALCHEMY_DATABASE_URI")
                or os.environ.get("DATABASE_URL")
                or default_db
            )
        ),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        # Security headers (eventapp/security.py). HSTS only in production: a
        # browser that saw it on a development host would refuse plain http for a year.
        "HSTS_SECONDS": _hsts_seconds(production),
        "CONTENT_SECURITY_POLICY": dict(DEFAULT_CSP),
        "CSP_INLINE_STYLE_ENDPOINTS": ("mail.manage_message", "mail.manage_retry"),
        "REFERRER_POLICY": "strict-origin-when-cross-origin",
        "PERMISSIONS_POLICY": DEFAULT_PERMISSIONS_POLICY,
        "BABEL_DEFAULT_LOCALE": _default_locale(),
        "BABEL_DEFAULT_TIMEZONE": "UTC",
        "LANGUAGES": LANGUAGES,
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", "localhost"),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "25")),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": _env_bool("MAIL_USE_TLS", False),
        "MAIL_USE_SSL": _env_bool("MAIL_USE_SSL", False),
        "MAIL_DEFAULT_SENDER": os.environ.get("MAIL_DEFAULT_SENDER", "eventapp@localhost"),
        # smtp: the worker sends; keep: messages stay in the Outbox page
        # (development, unless MAIL_SERVER is set).
        "MAIL_DELIVERY": _mail_delivery(production),
        "MAIL_RETRY_BASE_SECONDS": float(os.environ.get("MAIL_RETRY_BASE_SECONDS", "60")),
        "MAIL_MAX_ATTEMPTS": int(os.environ.get("MAIL_MAX_ATTEMPTS", "8")),
        "MAIL_CLAIM_SECONDS": float(os.environ.get("MAIL_CLAIM_SECONDS", "300")),
        "MAIL_TIMEOUT_SECONDS": float(os.environ.get("MAIL_TIMEOUT_SECONDS", "30")),
        # Links in e-mails point here (the worker and the CLI have no request).
        "BASE_URL": os.environ.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        # Rate limits (Flask-Limiter): memory per process by default, Redis when set.
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        "TOKEN_RATE_LIMIT": os.environ.get("TOKEN_RATE_LIMIT", "30 per minute"),
        "REGISTRATION_RATE_LIMIT": os.environ.get("REGISTRATION_RATE_LIMIT", "10 per minute"),
        # Sign-in links and password resets: per client address, and per e-mail address.
        "ACCOUNT_LINK_RATE_LIMIT": os.environ.get("ACCOUNT_LINK_RATE_LIMIT", "5 per minute"),
        "ACCOUNT_LINK_EMAIL_RATE_LIMIT": os.environ.get("ACCOUNT_LINK_EMAIL_RATE_LIMIT", "3 per 10 minutes"),
        # Password sign-in: per client address, and failed attempts per e-mail address.
        "SIGN_IN_RATE_LIMIT": os.environ.get("SIGN_IN_RATE_LIMIT", "10 per minute"),
        "SIGN_IN_EMAIL_RATE_LIMIT": os.environ.get("SIGN_IN_EMAIL_RATE_LIMIT", "10 per 10 minutes"),
        "SIGN_IN_LINK_MINUTES": int(os.environ.get("SIGN_IN_LINK_MINUTES", "15")),
        "PASSWORD_RESET_MINUTES": int(os.environ.get("PASSWORD_RESET_MINUTES", "30")),
        # Uploads: a speaker's photo, and any request body at all (CSV imports included).
        "PHOTO_MAX_BYTES": int(os.environ.get("PHOTO_MAX_BYTES", str(5 * 1024 * 1024))),
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_UPLOAD_BYTES", str(20 * 1024 * 1024))),
        # Behind a reverse proxy: how many proxies set X-Forwarded-For/-Proto, so
        # rate limits count the visitor's address and not the proxy's.
        "TRUSTED_PROXIES": int(os.environ.get("TRUSTED_PROXIES", "0")),
        "CHECK_DATABASE_ON_START": True,
        # json: one JSON line per request and per error on stderr (eventapp/logging_setup.py).
        "LOG_FORMAT": _log_format(production),
        # Published pages and exports (Flask-Caching): in-process by default,
        # Redis when CACHE_REDIS_URL is set (shared by every app server).
        "CACHE_TYPE": os.environ.get("CACHE_TYPE")
        or ("RedisCache" if os.environ.get("CACHE_REDIS_URL") else "SimpleCache"),
        "CACHE_REDIS_URL": os.environ.get("CACHE_REDIS_URL", ""),
        "CACHE_DEFAULT_TIMEOUT": int(os.environ.get("CACHE_DEFAULT_TIMEOUT", "3600")),
        "CACHE_KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "eventapp:"),
        # Shared public responses kept this many seconds in each app process and
        # served before Flask (page_cache.MicroCache); 0 turns it off.
        "PAGE_MICROCACHE_SECONDS": float(os.environ.get("PAGE_MICROCACHE_SECONDS", "2")),
    }
