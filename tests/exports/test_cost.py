"""What an export costs: the statements it sends do not grow with its rows (a batch of rows is a few queries,
never one per row), and the body leaves in chunks while the rest is still being read."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from eduflow.enrollments.creation import create_enrollment
from eduflow.attendance.services import mark_attendance
from eduflow.exports import lists, sheets, writers
from eduflow.extensions import db
from eduflow.models import AttendanceStatus, Lead, PaymentMethod, StudentStatus, Tag
from eduflow.students.services import create_student
from tests.exports.conftest import LESSON_DAY
from tests.exports.reading import read_csv
from tests.statements import counted

pytestmark = pytest.mark.slow

ENTITIES = ("leads", "students", "enrollments", "attendance", "ledger")


@pytest.fixture
def grow(campuses, users, school, make_lead):
    """Add leads (each with a tag and an intended course) and enrolled, marked students to campus one."""
    tag = Tag(name="暑期")
    db.session.add(tag)
    school.classes[0].capacity = 200
    db.session.commit()
    made = {"n": 0}

    def add(count: int) -> None:
        for _ in range(count):
            made["n"] += 1
            n = made["n"]
            lead = make_lead(f"线索{n}", owner="sales" if n % 2 else None)
            lead.tags.append(tag)
            lead.courses.append(school.course)
            student = create_student(by=users["admin"], campus_id=campuses[0].id, status=StudentStatus.ACTIVE,
                                     owner_id=users["sales"].id, phone=f"1370000{n:04d}", name=f"学员{n}",
                                     parent={"name": f"家长{n}", "relationship": "母亲", "phone": f"1360000{n:04d}"})
            db.session.flush()
            create_enrollment(student, school.course, by=users["admin"], contract_no=f"HT-{n}",
                              total_fee=Decimal("3000"), lessons_purchased=20, class_group=school.classes[0],
                              enrolled_on=dt.date(2025, 2, 20), paid_amount=Decimal("1000"),
                              payment_method=PaymentMethod.WECHAT)
            db.session.commit()
            mark_attendance(school.lessons[0], student.id, AttendanceStatus.PRESENT, by=users["admin"],
                            today=LESSON_DAY)
            db.session.commit()

    return add


def _statements(client, url: str) -> tuple[int, int]:
    """The statements an export sends and the rows it holds."""
    with counted() as statements:
        rows = read_csv(client.get(url))
    return len(statements), len(rows) - 1


def test_an_exports_statement_count_does_not_grow_with_its_rows(client, login_as, grow):
    """Every export, on 10 and on 100 more rows (one school grown once, to keep the suite fast)."""
    login_as("manager")
    grow(10)
    small = {entity: _statements(client, f"/exports/{entity}.csv") for entity in ENTITIES}
    grow(90)
    large = {entity: _statements(client, f"/exports/{entity}.csv") for entity in ENTITIES}
    for entity in ENTITIES:
        (small_count, small_rows), (large_count, large_rows) = small[entity], large[entity]
        assert large_rows >= small_rows + 90, entity
        assert large_count == small_count, entity


def test_a_big_export_is_read_a_batch_at_a_time(client, login_as, make_lead, monkeypatch):
    """Past one batch, each further batch adds the same few statements: per batch, never per row."""
    monkeypatch.setattr(sheets, "BATCH", 10)
    for n in range(30):
        make_lead(f"线索{n}")
    login_as("manager")
    three, _rows = _statements(client, "/exports/leads.csv")
    for n in range(10):
        make_lead(f"线索{n + 30}")
    four, _rows = _statements(client, "/exports/leads.csv")
    assert four - three == 3  # the leads of the batch, their intended courses, their tags


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_streams_its_first_chunk_before_the_rest_is_read(client, login_as, make_lead, monkeypatch, fmt):
    monkeypatch.setattr(sheets, "BATCH", 10)
    monkeypatch.setattr(writers, "CSV_BATCH", 10)
    monkeypatch.setattr("eduflow.exports.xlsx.FLUSH_ROWS", 10)
    for n in range(100):
        make_lead(f"线索{n}")
    written = []

    def counting(record, number, viewer):
        written.append(number)
        return number

    monkeypatch.setattr(lists, "phone_for", counting)
    login_as("manager")
    response = client.get(f"/exports/leads.{fmt}")
    body = response.response
    first = next(body)
    while not first:  # a chunk may be empty while the compressor fills
        first = next(body)
    assert 0 < len(written) <= 20, "the first chunk left after a batch or two of 100 rows"
    rest = b"".join(body)
    response.close()
    assert len(written) == 100 and len(first + rest) > len(first)
    assert db.session.query(Lead).count() == 100
