"""The referrals report on a chain's campus: the leading referring students, the rest summed in one row."""
from eduflow.reports.services import ReferralRow, Referrals


def _students(count: int) -> list[ReferralRow]:
    return [ReferralRow(f"学员{n}", referred=count - n, converted=(count - n) // 2, student_id=n) for n in range(count)]


def test_beyond_the_leading_students_the_rest_are_one_summed_row():
    report = Referrals(students=_students(Referrals.SHOWN + 30), people=[])
    assert report.leading_students == report.students[:Referrals.SHOWN]
    rest = report.students[Referrals.SHOWN:]
    others = report.other_students
    assert "30" in others.label
    assert (others.referred, others.converted) == (sum(r.referred for r in rest), sum(r.converted for r in rest))


def test_every_student_is_listed_when_there_are_few():
    report = Referrals(students=_students(12), people=[])
    assert report.leading_students == report.students and report.other_students is None
