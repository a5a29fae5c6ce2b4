"""The demo school's parents (README): 13800000001 sees a child at each campus, 13800000002 one child."""
from __future__ import annotations

from sqlalchemy import select

from eduflow.access.scopes import children_of
from eduflow.demo import DEMO_PASSWORD
from eduflow.demo.parents import DEMO_PARENTS
from tests.demo_school import demo_school
from eduflow.enrollments.ledger import balance
from eduflow.extensions import db
from eduflow.models import Enrollment, EnrollmentStatus, ParentAccount, Student


def test_the_demo_parents_sign_in_and_see_the_children_the_readme_names(app, client):
    demo_school()
    for _name, _relation, phone, campuses in DEMO_PARENTS:
        account = db.session.scalar(select(ParentAccount).where(ParentAccount.phone_last4 == phone[-4:]))
        children = db.session.scalars(select(Student).where(children_of(account))).all()
        assert sorted(child.campus_id for child in children) == sorted(
            {child.campus_id for child in children}) and len(children) == len(campuses)
        for child in children:
            active = db.session.scalars(select(Enrollment).where(Enrollment.student_id == child.id,
                                                                 Enrollment.status == EnrollmentStatus.ACTIVE)).all()
            assert any(balance(enrollment.id) > 0 for enrollment in active)
        response = client.post("/p/login", data={"phone": phone, "password": DEMO_PASSWORD})
        assert response.status_code == 302
        page = client.get("/p/").get_data(as_text=True)
        assert all(child.name in page for child in children)
        client.post("/p/logout")
