"""Gunicorn settings for one Bookday app server (systemd's bookday-web@PORT and the rehearsal).

Bind address, workers and threads come from the environment so one file serves every host:
GUNICORN_BIND (default 127.0.0.1:8001), GUNICORN_WORKERS (default: 2 per core), GUNICORN_THREADS.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count()))
# Threads: a worker waiting on PostgreSQL or Redis serves another request meanwhile.
threads = int(os.environ.get("GUNICORN_THREADS", 4))
worker_class = "gthread"
# Under nginx's proxy_read_timeout (60 s): a stuck request is ended here first and logged.
timeout = 55
graceful_timeout = 20
keepalive = 30
# A worker is replaced after this many requests (with jitter, so not all at once): whatever a
# library leaks cannot grow without bound over a three-day fair.
max_requests = 5000
max_requests_jitter = 500
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
errorlog = "-"
# nginx is the only client; it sets X-Forwarded-* (PROXY_COUNT=1 in the app).
forwarded_allow_ips = "127.0.0.1"
control_socket_disable = True  # two app servers on one host would share its path; systemd is the control
