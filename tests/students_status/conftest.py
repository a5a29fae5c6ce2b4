"""Fixtures for status changes and reviews: active students with a paid enrolment (over tests/conftest.py's)."""
from __future__ import annotations

import pytest

from eduflow.models import StudentStatus


@pytest.fixture
def make_student(make_student):
    """tests/conftest.py's make_student, 在读 (active) unless told otherwise."""

    def make(name="王小明", status=StudentStatus.ACTIVE, **fields):
        return make_student(name, status=status, **fields)

    return make


@pytest.fixture
def enroll(enroll):
    """tests/conftest.py's enroll, paid in full (¥3000 by WeChat for 20 lessons) unless told otherwise."""

    def make(student, class_group=None, paid="3000", **terms):
        return enroll(student, class_group, paid=paid, **terms)

    return make


@pytest.fixture
def enrolled(make_student, make_class, enroll):
    """An active student of sales in 编程一班 with one paid enrolment (20 lessons, ¥3000)."""
    student = make_student()
    group = make_class()
    enrollment = enroll(student, group)
    return student, group, enrollment


@pytest.fixture
def switch_to(login_as):
    """Sign out whoever is signed in, then sign in as `who` (signing in twice keeps the first user)."""

    def switch(who: str):
        login_as.logout()
        return login_as(who)

    return switch
