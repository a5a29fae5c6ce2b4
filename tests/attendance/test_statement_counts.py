"""A sheet's cost does not grow with its roster: the sheet, one tap and 全部出勤 send the same few statements for
10 students as for 40 (set-based reads and multi-row writes), on every database."""
from __future__ import annotations

from eduflow.extensions import db
from tests.statements import counted

HX = {"HX-Request": "true"}
MOST = 10  # statements per request, the signed-in user's own load included


def _sheet_of(size: int, lesson, group, enroll_new) -> list[int]:
    group.capacity = size
    db.session.commit()
    return [enroll_new(group, f"学员{n:02d}").student_id for n in range(size)]


def _costs(client, lesson_id: int, students: list[int]) -> dict[str, int]:
    costs = {}
    with counted() as statements:
        assert client.get(f"/lessons/{lesson_id}/attendance").status_code == 200
    costs["sheet"] = len(statements)
    with counted() as statements:
        response = client.post(f"/lessons/{lesson_id}/attendance/{students[0]}", data={"status": "leave"}, headers=HX)
    assert response.status_code == 200 and 'data-testid="saved"' in response.get_data(as_text=True)
    assert len(response.data) < 4096  # a marked row's fragment stays small
    costs["tap"] = len(statements)
    with counted() as statements:
        response = client.post(f"/lessons/{lesson_id}/attendance/{students[0]}", data={"status": "present"},
                               headers=HX)
    assert response.status_code == 200
    costs["correction"] = len(statements)
    with counted() as statements:
        response = client.post(f"/lessons/{lesson_id}/attendance/all", headers=HX)
    assert response.get_data(as_text=True).count('data-testid="saved"') == len(students) - 1
    costs["mark all"] = len(statements)
    return costs


def test_the_sheet_a_tap_and_mark_all_cost_the_same_for_10_and_40_students(client, login_as, make_class, make_lesson,
                                                                             enroll_new):
    login_as("academic")
    found = []
    for size, name in ((10, "十人班"), (40, "四十人班")):
        group = make_class(name)
        lesson = make_lesson(group)
        students = _sheet_of(size, lesson, group, enroll_new)
        found.append(_costs(client, lesson.id, students))
    small, large = found
    assert small == large, found
    assert max(large.values()) <= MOST, large
