"""The task queue (huey): its queue lives in SQLite on one machine and in Redis when there are several app servers.

huey was chosen because it does both with one API, is small and well kept, and needs no broker on a single machine
(`make run` starts its consumer beside the app). EDUFLOW_REDIS_URL switches to Redis; otherwise the queue is the
file EDUFLOW_HUEY_PATH (default instance/huey.db). The worker: `flask --app eduflow notifications worker`.
An app with EDUFLOW_QUEUE_IMMEDIATE (the tests) does the tasks' work in place instead (eduflow.notifications.delivery).
"""
from __future__ import annotations

import os
from pathlib import Path

from huey import RedisHuey, SqliteHuey


def _make_huey():
    redis_url = os.environ.get("EDUFLOW_REDIS_URL")
    if redis_url:
        return RedisHuey("eduflow", url=redis_url)
    instance = os.environ.get("EDUFLOW_INSTANCE_PATH") or str(Path(__file__).resolve().parents[2] / "instance")
    path = os.environ.get("EDUFLOW_HUEY_PATH") or os.path.join(instance, "huey.db")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    return SqliteHuey("eduflow", filename=path)


huey = _make_huey()
