"""课时明细, payments and receipts (收据): the parent side's pages, and the receipt staff print from the enrolment.

The parent's child (`own`, PARENT_PHONE, sales's student on 一校区) and another family's child (`colleague`, sales2's
student on 一校区) each have an enrolment and a payment; `other_campus` is sales_b's student on 二校区. A parent gets
404 on the other family's records; staff see the receipt where they see the enrolment (tests/matrix/enrollments.py).
"""
from decimal import Decimal

from eduflow.models import Role  # noqa: F401 - the models package is loaded before the factories
from tests import factories
from tests.matrix import PARENT, PARENT_ONLY, Route, fixed, only

ENROL = only("admin", "manager", "sales", "academic")
OTHER_FAMILY = {**PARENT_ONLY, PARENT: 404}
OUT_OF_SCOPE = {"colleague": {"sales": 404}, "other_campus": {"manager": 404, "sales": 404, "academic": 404}}


def at(template: str):
    return lambda world: template.format(**world["money"])


def _receipt_rows() -> list[Route]:
    """The staff receipt of each enrolment's own payment, and a payment named under an enrolment it is not of."""
    url = "/enrollments/{%s}/payments/{%s_payment}/receipt"
    rows = [Route("enrollments.payment_receipt", "GET", at(url % ("own", "own")), ENROL)]
    rows += [Route("enrollments.payment_receipt", "GET", at(url % (key, key)), {**ENROL, **out}, name=key)
             for key, out in OUT_OF_SCOPE.items()]
    rows.append(Route("enrollments.payment_receipt", "GET", at(url % ("own", "colleague")),
                      {**ENROL, "admin": 404, "manager": 404, "sales": 404, "academic": 404}, name="mismatched"))
    return rows


ROWS = [
    Route("parent.hours", "GET", fixed("/p/hours"), PARENT_ONLY),
    Route("parent.hours_detail", "GET", at("/p/hours/{own}"), PARENT_ONLY),
    Route("parent.hours_detail", "GET", at("/p/hours/{colleague}"), OTHER_FAMILY, name="other-family"),
    Route("parent.payments", "GET", fixed("/p/payments"), PARENT_ONLY),
    Route("parent.payments_receipt", "GET", at("/p/payments/{own_payment}/receipt"), PARENT_ONLY),
    Route("parent.payments_receipt", "GET", at("/p/payments/{colleague_payment}/receipt"), OTHER_FAMILY,
          name="other-family"),
    *_receipt_rows(),
]


def build(users, campuses) -> dict:
    """An enrolment with a payment for the parent's child, another family's child and a 二校区 student."""
    course = factories.make_course("矩阵课时课程", total_lessons=10, price="1000")
    ids = {}
    for n, (key, owner, campus, phone) in enumerate((("own", "sales", 0, factories.PARENT_PHONE),
                                                     ("colleague", "sales2", 0, "13987654321"),
                                                     ("other_campus", "sales_b", 1, "13700001111")), start=1):
        student = factories.make_student(campuses[campus], name=f"矩阵课时{n}", owner=users[owner])
        factories.make_parent(student, phone=phone)
        enrollment = factories.enroll(student, course, by=users[owner], lessons=10, fee="1000", paid="500",
                                      contract_no=f"MX-MONEY-{n}")
        payment = enrollment.payments[0]
        assert payment.amount == Decimal("500")
        ids |= {key: enrollment.id, f"{key}_payment": payment.id}
    return {"money": ids}
