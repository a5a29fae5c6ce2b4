import pytest

from eduflow.extensions import db
from eduflow.models import Lead


@pytest.fixture
def make_lead(campuses, users):
    """Build a lead on the first campus owned by `sales` unless told otherwise."""

    def make(name="张三", owner="sales", campus=0, **fields):
        lead = Lead(name=name, campus_id=campuses[campus].id,
                    owner_id=users[owner].id if owner else None, **fields)
        db.session.add(lead)
        db.session.commit()
        return lead

    return make
