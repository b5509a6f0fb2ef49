"""With RATELIMIT_STORAGE_URI pointing at Redis, the rate limits live in Redis, so
every app process behind a load balancer counts against the same limit. Each
"process" here is a real Python subprocess with its own app."""
from __future__ import annotations

import json
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

REDIS = "redis://127.0.0.1:6379/15"
ROOT = Path(__file__).resolve().parents[2]

VISIT = """
import json, sys
from eventapp import create_app
app = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "SQLALCHEMY_DATABASE_URI": sys.argv[1],
                  "RATELIMIT_STORAGE_URI": sys.argv[2], "TOKEN_RATE_LIMIT": "10 per minute",
                  "SERVER_NAME": "eventapp.test", "INSTANCE_PATH": sys.argv[3]})
client = app.test_client()
print(json.dumps([client.get(url).status_code for url in sys.argv[4:]]))
"""


def redis_available() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS, socket_connect_timeout=1).ping())
    except Exception:  # noqa: BLE001 — any failure means "no Redis here"
        return False


def visit(database_url: str, storage: str, instance: Path, urls: list[str]) -> list[int]:
    result = subprocess.run([sys.executable, "-c", VISIT, database_url, storage, str(instance), *urls],
                            cwd=ROOT, capture_output=True, text=True, timeout=60, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(not redis_available(), reason="no Redis at 127.0.0.1:6379")
@pytest.mark.parametrize(("storage", "shared"), [(REDIS, True), ("memory://", False)])
def test_app_processes_share_the_token_rate_limit_through_redis(database_url, tmp_path, storage, shared):
    import redis

    store = redis.Redis.from_url(REDIS)
    store.flushdb()
    guesses = [f"/i/{secrets.token_urlsafe(32)}" for _ in range(11)]
    assert visit(database_url, storage, tmp_path, guesses[:6]) == [404] * 6
    second = visit(database_url, storage, tmp_path, guesses[6:])
    if shared:  # 11 guesses in all against a limit of 10
        assert second == [404] * 4 + [429]
        store.flushdb()  # the counters were in Redis: emptying it lifts the limit
        assert visit(database_url, storage, tmp_path, guesses[:1]) == [404]
    else:  # each process counts only its own
        assert second == [404] * 5
    store.flushdb()
