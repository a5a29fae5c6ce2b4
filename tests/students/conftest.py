"""Fixtures for the student screens: students with a parent (through the service), enrolments part-paid."""
from __future__ import annotations

import itertools

import pytest

from eduflow.extensions import db
from eduflow.models import StudentStatus
from eduflow.students.services import create_student

_numbers = itertools.count(1)


@pytest.fixture
def make_student(campuses, users):
    """A student (through the service) with a primary parent, owned by `sales` on the first campus."""

    def make(name="李小明", owner="sales", campus=0, phone=None, parent_phone=None, by="admin", **profile):
        student = create_student(
            by=users[by], campus_id=campuses[campus].id, status=profile.pop("status", StudentStatus.POTENTIAL),
            owner_id=users[owner].id if owner else None, phone=phone, name=name,
            parent={"name": f"{name}妈妈", "relationship": "母亲",
                    "phone": parent_phone or f"139{next(_numbers):08d}"}, **profile)
        db.session.commit()
        return student

    return make


@pytest.fixture
def enroll(enroll):
    """tests/conftest.py's enroll, ¥1000 of ¥3000 paid unless told otherwise."""

    def make(student, class_group=None, paid="1000", **terms):
        return enroll(student, class_group, paid=paid, **terms)

    return make
