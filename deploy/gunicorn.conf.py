"""gunicorn configuration for one app server instance of the Life Valley portal.

    gunicorn -c deploy/gunicorn.conf.py --bind 127.0.0.1:8001 lifevalley.wsgi

systemd runs it through deploy/systemd/lifevalley@.service (one instance per port).
``kill -HUP <master pid>`` (``systemctl reload lifevalley@8001``) reloads gracefully: new
workers start with the new code, then the old ones finish their requests and exit.
Every value can be overridden with GUNICORN_* environment variables.
"""

import multiprocessing
import os
import shutil
import tempfile

# Where to listen; systemd passes --bind per instance. Loopback only: nginx is the way in.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Sync workers: the views are short and database-bound. 2 per core plus one is gunicorn's
# rule of thumb; each worker holds one PostgreSQL connection (CONN_MAX_AGE), so workers times
# instances must stay below PostgreSQL's max_connections.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
# A request still running after 30 s is killed (the worker restarts); nginx waits 35 s.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# On HUP or TERM, workers get this long to finish what they are doing.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
# nginx keeps upstream connections alive; keep them a little longer than it does.
keepalive = 5
# Recycle workers now and then so a slow leak cannot grow forever (jitter: not all at once).
max_requests = 2000
max_requests_jitter = 200
# Workers import the app themselves (no preload_app), so HUP picks up new code.
preload_app = False
# Heartbeat files on tmpfs, not a disk that may stall.
# (gunicorn creates its own private files there.)
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108

# No access log: the app writes one JSON line per request (lifevalley/observability.py)
# with the request id, status, duration and staff user. gunicorn's own messages (start,
# worker exits, timeouts) go to stderr as JSON too.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "lifevalley.observability.JsonFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}
    },
    "loggers": {
        "gunicorn.error": {"handlers": ["console"], "level": loglevel.upper(), "propagate": False},
        "gunicorn.access": {"handlers": [], "propagate": False},
    },
}
# Trust X-Forwarded-* only from nginx on this machine (gunicorn's own default).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Prometheus with several worker processes: each worker writes its counters to files in
# PROMETHEUS_MULTIPROC_DIR and /metrics adds them up (prometheus_client's multiprocess mode).
# It must be set before any worker imports prometheus_client, hence here, in the master.
# systemd gives each instance its own directory (RuntimeDirectory); by hand, a temporary one.
_own_metrics_dir = None
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    _own_metrics_dir = tempfile.mkdtemp(prefix="lifevalley-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = _own_metrics_dir


def on_starting(server):
    """Start counting from zero: files of a previous run would be added in."""
    directory = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    os.makedirs(directory, exist_ok=True)
    for name in os.listdir(directory):
        path = os.path.join(directory, name)
        if os.path.isdir(path):
            shutil.rmtree(path)
        else:
            os.remove(path)


def child_exit(server, worker):
    """A worker that exits stops counting as alive in the gauges (counters are kept)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    """Remove the temporary metrics directory made above (systemd removes its own)."""
    if _own_metrics_dir:
        shutil.rmtree(_own_metrics_dir, ignore_errors=True)
