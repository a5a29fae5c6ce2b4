"""The referrals report on a chain's campus: the leading referring students, the rest summed in one row; only the
names that can be listed are read."""
from eduflow.reports.services import Referrals, leading_students
from tests.statements import counted


def _figures(make_student, count: int) -> list[tuple]:
    """(student id, referred, converted) for `count` students named 学员000…, the first referring the most (each
    at least 2)."""
    students = [make_student(f"学员{n:03d}") for n in range(count)]
    return [(student.id, count - n + 1, (count - n + 1) // 2) for n, student in enumerate(students)]


def test_beyond_the_leading_students_the_rest_are_one_summed_row(make_student):
    figures = _figures(make_student, Referrals.SHOWN + 30)
    shown, others = leading_students(list(reversed(figures)))
    assert [(row.student_id, row.label) for row in shown] == [
        (sid, f"学员{n:03d}") for n, (sid, _r, _c) in enumerate(figures[:Referrals.SHOWN])]
    rest = figures[Referrals.SHOWN:]
    assert "30" in others.label
    assert (others.referred, others.converted) == (sum(r for _s, r, _c in rest), sum(c for _s, _r, c in rest))


def test_ties_at_the_cut_are_ranked_by_name(make_student):
    """Students tied with the last listed one are ranked by name like the others: whichever sorts first is listed."""
    figures = _figures(make_student, Referrals.SHOWN - 1)
    tied = [make_student(name) for name in ("乙", "甲", "丙")]
    shown, others = leading_students([*figures, *((s.id, 1, 0) for s in tied)])
    by_name = sorted(tied, key=lambda s: s.name)
    assert shown[-1].student_id == by_name[0].id and len(shown) == Referrals.SHOWN
    assert (others.referred, others.converted) == (2, 0) and "2" in others.label


def test_every_student_is_listed_when_there_are_few(make_student):
    shown, others = leading_students(_figures(make_student, 12))
    assert len(shown) == 12 and others is None


def test_names_are_read_once_whatever_the_number_of_students(make_student):
    figures = _figures(make_student, Referrals.SHOWN + 30)
    with counted() as statements:
        leading_students(figures)
    assert len(statements) == 1
