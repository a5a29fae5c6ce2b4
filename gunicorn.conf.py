"""Gunicorn's settings for EduFlow (`gunicorn -c gunicorn.conf.py wsgi:app`; gunicorn also reads this file by
itself when started from the project folder). Any setting can still be overridden on the command line.

Threaded workers (gthread), not the default sync ones: a sync worker is killed `timeout` seconds into any
request, even one busy streaming a large export to a slow client, and the user gets a broken download; a
gthread worker's heartbeat runs apart from its requests, so only a worker that is really stuck is killed.
The threads also keep a worker answering other requests while one of them streams a file.
"""
import os

bind = os.environ.get("EDUFLOW_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("EDUFLOW_WORKERS", 4))
worker_class = "gthread"
threads = int(os.environ.get("EDUFLOW_THREADS", 4))
timeout = 30  # a worker silent this long is stuck and restarted; a long request does not count as silence
graceful_timeout = 30
keepalive = 5
