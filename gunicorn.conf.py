"""gunicorn settings for `make serve` (gunicorn -c gunicorn.conf.py wsgi:app).

Environment:
  BIND                 where to listen, e.g. 0.0.0.0:8000 or unix:/run/eventapp.sock
  PORT                 without BIND: listen on 127.0.0.1:<PORT>; default 127.0.0.1:8000
  WEB_CONCURRENCY      worker processes; default 2 × CPUs + 1, at most 8
  TRUSTED_PROXY_IPS    addresses of the reverse proxies whose X-Forwarded-* headers
                       gunicorn believes (comma separated, default 127.0.0.1)
The app itself logs every request (eventapp/logging_setup.py), so gunicorn's
access log is off; its error log goes to stderr.
"""
import multiprocessing
import os

_port = os.environ.get("PORT")
bind = os.environ.get("BIND") or (f"127.0.0.1:{_port}" if _port else "127.0.0.1:8000")

workers = int(os.environ.get("WEB_CONCURRENCY") or min(2 * multiprocessing.cpu_count() + 1, 8))

# Worker heartbeats on a RAM disk: a slow /tmp (Docker overlay) cannot stall them.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"

accesslog = None  # the app logs each request as one line (JSON in production)
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

timeout = 30
graceful_timeout = 30
keepalive = 5

forwarded_allow_ips = os.environ.get("TRUSTED_PROXY_IPS", "127.0.0.1")
