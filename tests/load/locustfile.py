"""The load test: 50 people of mixed roles using EduFlow at once, as their browsers would.

Run by tests/load/run.sh (`make loadtest`), never by pytest. Each simulated user signs in through the
real login form (CSRF token from the page), then works: salespeople open the board, move cards and
add follow-ups; managers open the board, the lead list, the dashboard and reports; teachers open
today's sheets and tap attendance. The accounts and ids come from the bench-data sample
(EDUFLOW_LOAD_SAMPLE, a JSON file the run script writes). Every card move and tap the server
accepted is counted into EDUFLOW_LOAD_LOG, so the run script can prove afterwards that each one was
recorded.
"""
from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import random
import re

from locust import FastHttpUser, between, events, task

SAMPLE = json.loads(open(os.environ["EDUFLOW_LOAD_SAMPLE"], encoding="utf-8").read())
PASSWORD = SAMPLE["password"]
CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')
FORM_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')
STAGE = re.compile(r'data-stage="(\w+)"')
OPEN_STAGES = ("new", "contacted", "intent", "pending")
HTMX = {"HX-Request": "true"}
ACCEPTED = {"moves": 0, "taps": 0, "follow_ups": 0}
ATTEMPTED = {"moves": 0, "taps": 0, "follow_ups": 0}  # a request cut off when the run stops may still be written
_sales_accounts = itertools.cycle(SAMPLE["sales_accounts"])
_movable = itertools.cycle(SAMPLE["movable_lead_ids_by_sales"].items())
_sheets = itertools.cycle(SAMPLE["sheet_lessons"])


@events.test_stop.add_listener
def _write_log(**_kwargs):
    with open(os.environ["EDUFLOW_LOAD_LOG"], "w", encoding="utf-8") as log:
        json.dump({"accepted": ACCEPTED, "attempted": ATTEMPTED}, log)


class SignedIn(FastHttpUser):
    abstract = True
    wait_time = between(0.5, 2)
    username = ""

    def on_start(self) -> None:
        page = self.client.get("/login", name="/login")
        token = FORM_CSRF.search(page.text).group(1)
        response = self.client.post("/login", data={"username": self.username, "password": PASSWORD,
                                                    "csrf_token": token}, name="/login", allow_redirects=False)
        if response.status_code != 302:
            raise RuntimeError(f"{self.username} could not sign in: {response.status_code}")
        self.csrf = CSRF.search(self.client.get("/", name="/ (dashboard)").text).group(1)

    def post(self, url: str, data: dict, name: str):
        return self.client.post(url, data=data, headers=HTMX | {"X-CSRFToken": self.csrf}, name=name)


class Salesperson(SignedIn):
    weight = 3

    def on_start(self) -> None:
        self.username, leads = next(_movable)
        self.leads = list(leads)
        super().on_start()

    @task(3)
    def board(self) -> None:
        self.client.get("/leads/board", name="/leads/board")

    @task(3)
    def move_a_card(self) -> None:
        lead = random.choice(self.leads)
        card = self.client.get(f"/leads/{lead}/card", headers=HTMX, name="/leads/[id]/card")
        version, stage = VERSION.search(card.text), STAGE.search(card.text)
        if not version or not stage or stage.group(1) not in OPEN_STAGES:
            return
        target = random.choice([s for s in OPEN_STAGES if s != stage.group(1)])
        ATTEMPTED["moves"] += 1
        with self.client.post(f"/leads/{lead}/move", data={"stage": target, "version": version.group(1),
                                                           "from_stage": stage.group(1)},
                              headers=HTMX | {"X-CSRFToken": self.csrf}, name="/leads/[id]/move",
                              catch_response=True) as response:
            if response.status_code == 200:
                ACCEPTED["moves"] += 1
                response.success()
            elif response.status_code == 409:  # another simulated user moved it first: the lock held
                response.success()

    @task(2)
    def follow_up(self) -> None:
        lead = random.choice(self.leads)
        self.client.get(f"/leads/{lead}", name="/leads/[id]")
        ATTEMPTED["follow_ups"] += 1
        response = self.post(f"/leads/{lead}/follow-ups", {"method": "phone", "content": "负载测试：电话回访"},
                             "/leads/[id]/follow-ups")
        if response.status_code == 200:
            ACCEPTED["follow_ups"] += 1

    @task(1)
    def lead_list(self) -> None:
        self.client.get("/leads?q=wang", name="/leads?q=")


class Manager(SignedIn):
    weight = 1

    def on_start(self) -> None:
        self.username = SAMPLE["manager"]
        super().on_start()

    @task(3)
    def board(self) -> None:
        self.client.get("/leads/board", name="/leads/board")

    @task(2)
    def dashboard(self) -> None:
        self.client.get("/", name="/ (dashboard)")

    @task(1)
    def lead_list(self) -> None:
        self.client.get("/leads", name="/leads")

    @task(1)
    def reports(self) -> None:
        today = dt.date.today()
        for name in ("funnel", "activity", "attendance"):
            self.client.get(f"/reports/{name}?start={today - dt.timedelta(days=364)}&end={today}",
                            name=f"/reports/{name} (year)")


class Teacher(SignedIn):
    weight = 1

    def on_start(self) -> None:
        self.username, self.lesson, self.students = next(_sheets)
        super().on_start()

    @task(1)
    def today(self) -> None:
        self.client.get("/today", name="/today")

    @task(4)
    def tap(self) -> None:
        self.client.get(f"/lessons/{self.lesson}/attendance", name="/lessons/[id]/attendance")
        student = random.choice(self.students)
        status = random.choice(("present", "late", "absent", "leave"))
        ATTEMPTED["taps"] += 1
        response = self.post(f"/lessons/{self.lesson}/attendance/{student}", {"status": status, "confirm": "y"},
                             "/lessons/[id]/attendance/[student]")
        if response.status_code == 200:
            ACCEPTED["taps"] += 1


class BoardOnly(SignedIn):
    """The throughput run: managers opening the board as fast as the server answers."""

    abstract = os.environ.get("EDUFLOW_LOAD_MODE") != "board"
    wait_time = between(0, 0)

    def on_start(self) -> None:
        self.username = SAMPLE["manager"]
        super().on_start()

    @task
    def board(self) -> None:
        self.client.get("/leads/board", name="/leads/board")


if os.environ.get("EDUFLOW_LOAD_MODE") == "board":
    Salesperson.abstract = Manager.abstract = Teacher.abstract = True
