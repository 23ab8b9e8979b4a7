"""gunicorn's settings in production: `gunicorn --config deploy/gunicorn.conf.py mscp.wsgi`.

GUNICORN_BIND and WEB_CONCURRENCY (the number of workers) may be set in the environment.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")  # nginx is in front

# gunicorn's rule of thumb, (2 x CPUs) + 1 sync workers, capped: a worker rendering a
# meeting pack's PDF holds about 200 MB.
workers = int(os.environ.get("WEB_CONCURRENCY") or min(2 * multiprocessing.cpu_count() + 1, 8))

# A 40-page PDF pack takes about 8 s to render; anything past a minute is stuck. nginx's
# proxy_read_timeout (deploy/nginx-mscp.conf) is longer, so gunicorn ends a stuck worker first.
timeout = 60
graceful_timeout = 30
keepalive = 5

# A fresh worker every thousand or so requests, staggered so they do not all restart at once.
max_requests = 1000
max_requests_jitter = 100

# Logs to standard output and error, where systemd's journal keeps them. The client address
# is the one nginx saw (X-Forwarded-For), not nginx's own.
accesslog = "-"
errorlog = "-"
access_log_format = (
    '%({x-forwarded-for}i)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'
)

# Only nginx's X-Forwarded-Proto says a request came over HTTPS; nginx on this machine is
# the only proxy whose headers are believed.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
secure_scheme_headers = {"X-FORWARDED-PROTO": "https"}

# The workers' heartbeat files in memory, not on a disk that may stall.
worker_tmp_dir = "/dev/shm"  # noqa: S108 - not a temporary file of ours: gunicorn's heartbeat
# Runtime control through gunicornc is not used, and its socket would need a writable home.
control_socket_disable = True
