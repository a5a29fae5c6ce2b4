"""The student screens over HTTP: list scope and search, the student page, ledger, timeline, forms, parents."""
import datetime as dt

from eduflow.extensions import db
from eduflow.models import AttendanceStatus, FollowUp, Parent, Student
from eduflow.students.timeline import PAGE
from tests import factories

HX = {"HX-Request": "true"}
VALID_ID = "11010519491231002X"


def _text(response):
    return response.get_data(as_text=True)


def test_a_teacher_lists_only_the_students_of_their_classes(client, login_as, make_student, make_class, enroll):
    enroll(make_student("张三"), make_class())
    make_student("李四")
    login_as("teacher")
    body = _text(client.get("/students"))
    assert "张三" in body and "李四" not in body


def test_sales_list_only_their_own_students_with_masked_phones(client, login_as, make_student):
    make_student("张三", phone="13800001234")
    make_student("李四", owner="sales2")
    login_as("sales")
    body = _text(client.get("/students"))
    assert "张三" in body and "李四" not in body
    assert "138****1234" in body and "13800001234" not in body


def test_live_search_answers_the_rows_fragment_by_pinyin_and_last_four(client, login_as, make_student):
    make_student("张小明", phone="13800001234")
    make_student("李华")
    login_as("manager")
    by_pinyin = client.get("/students?q=zxm", headers=HX)
    assert "<html" not in _text(by_pinyin) and "张小明" in _text(by_pinyin) and "李华" not in _text(by_pinyin)
    by_digits = _text(client.get("/students?q=1234", headers=HX))
    assert "张小明" in by_digits and "李华" not in by_digits
    assert "Vary" in client.get("/students?q=1234", headers=HX).headers


def test_a_bad_filter_value_is_ignored_not_an_error(client, login_as, make_student):
    make_student("张三")
    login_as("manager")
    response = client.get("/students?status=expelled&class_id=abc&sort=drop")
    assert response.status_code == 200 and "张三" in _text(response)


def test_the_owner_sees_the_full_phone_and_others_a_masked_one(client, login_as, make_student, make_class, enroll):
    student = make_student("张三", phone="13800001234", id_card=VALID_ID)
    enroll(student, make_class())
    login_as("sales")
    owner_view = _text(client.get(f"/students/{student.id}"))
    assert "13800001234" in owner_view and "110105********002X" in owner_view and VALID_ID not in owner_view
    login_as.logout()
    login_as("teacher")
    teacher_view = _text(client.get(f"/students/{student.id}"))
    assert "138****1234" in teacher_view and "13800001234" not in teacher_view


def test_the_campus_manager_may_reveal_the_id_card(client, login_as, make_student):
    student = make_student("张三", id_card=VALID_ID)
    login_as("manager")
    body = _text(client.get(f"/students/{student.id}"))
    assert 'data-testid="full-id-card"' in body and VALID_ID in body


def test_another_campus_student_and_a_colleague_student_are_404(client, login_as, make_student):
    other_campus = make_student("王五", owner="sales_b", campus=1)
    colleague = make_student("李四", owner="sales2")
    login_as("manager")
    assert client.get(f"/students/{other_campus.id}").status_code == 404
    login_as.logout()
    login_as("sales")
    assert client.get(f"/students/{colleague.id}").status_code == 404
    assert client.get(f"/students/{colleague.id}/edit").status_code == 404


def test_the_ledger_fragment_shows_the_deducted_lesson_and_who_marked_it(client, login_as, make_student, make_class,
                                                                        make_lesson, enroll, users):
    student = make_student()
    group = make_class("英语一班")
    enrollment = enroll(student, group, lessons=1)
    lesson = make_lesson(group, day=dt.date(2025, 3, 8), start=dt.time(9, 30))
    factories.mark_and_debit(lesson, enrollment, AttendanceStatus.ABSENT, by=users["teacher"], units=2,
                             reason="缺勤扣课")
    db.session.commit()
    login_as("manager")
    body = _text(client.get(f"/students/{student.id}/enrollments/{enrollment.id}/ledger", headers=HX))
    assert "<html" not in body
    assert "2025-03-08 09:30" in body and "英语一班" in body and "Teacher" in body and "缺勤" in body
    assert "缺勤扣课" in body and "text-debt" in body  # the balance went to -1: 欠课时
    page = _text(client.get(f"/students/{student.id}"))
    assert f'data-testid="remaining-{enrollment.id}"' in page and "欠课时" in page


def test_a_ledger_of_another_students_enrolment_is_404(client, login_as, make_student, make_class, enroll):
    one, other = make_student("甲"), make_student("乙")
    enrollment = enroll(other, make_class())
    login_as("manager")
    assert client.get(f"/students/{one.id}/enrollments/{enrollment.id}/ledger", headers=HX).status_code == 404


def test_a_quick_follow_up_appears_on_the_timeline(client, login_as, make_student):
    student = make_student()
    login_as("sales")
    response = client.post(f"/students/{student.id}/follow-ups", headers=HX,
                           data={"method": "wechat", "content": "家长询问续费优惠", "next_followup_at": "2099-01-02T10:00"})
    body = _text(response)
    assert response.status_code == 200 and "<html" not in body and "家长询问续费优惠" in body
    saved = db.session.scalar(db.select(FollowUp).where(FollowUp.student_id == student.id))
    assert saved.next_followup_at == dt.datetime(2099, 1, 2, 2, 0)  # 10:00 in Shanghai is 02:00 UTC


def test_an_empty_follow_up_is_refused_with_422_and_nothing_saved(client, login_as, make_student):
    student = make_student()
    login_as("sales")
    response = client.post(f"/students/{student.id}/follow-ups", headers=HX, data={"method": "phone", "content": ""})
    assert response.status_code == 422 and "invalid-feedback" in _text(response)
    response = client.post(f"/students/{student.id}/follow-ups", headers=HX,
                           data={"method": "fax", "content": "x"})
    assert response.status_code == 422
    assert db.session.scalar(db.select(db.func.count(FollowUp.id))) == 0


def test_older_timeline_entries_load_after_the_cursor(client, login_as, make_student, users):
    student = make_student()
    start = dt.datetime(2025, 1, 1, 8, 0)
    db.session.add_all([FollowUp(student_id=student.id, method="phone", content=f"记录{i:02d}",
                                 followed_at=start + dt.timedelta(minutes=i)) for i in range(PAGE + 3)])
    db.session.commit()
    login_as("manager")
    page = _text(client.get(f"/students/{student.id}"))
    assert "记录22" in page and "记录02" not in page and 'data-testid="timeline-more"' in page
    cursor = page.split("/timeline?before=")[1].split('"')[0].replace("&amp;", "&")
    older = _text(client.get(f"/students/{student.id}/timeline?before={cursor}", headers=HX))
    assert "记录02" in older and "记录00" in older and "记录22" not in older and "<html" not in older
    assert client.get(f"/students/{student.id}/timeline?before=garbage", headers=HX).status_code == 404


def test_creating_a_student_with_the_first_parent(client, login_as, users):
    login_as("sales")
    response = client.post("/students/new", data={
        "name": "周杰", "gender": "male", "birth_date": "2015-06-01", "phone": "", "id_card": "",
        "status": "active", "parent_name": "周妈妈", "parent_relationship": "母亲", "parent_phone": "13912345678"})
    assert response.status_code == 302, _text(response)
    student = db.session.scalar(db.select(Student).where(Student.name == "周杰"))
    assert student.owner_id == users["sales"].id and student.campus_id == users["sales"].campus_id
    assert [(p.name, p.is_primary) for p in student.parents] == [("周妈妈", True)]


def test_a_bad_id_card_or_duplicate_phone_is_refused_and_nothing_written(client, login_as, make_student):
    make_student("王一", phone="13800138000", owner="sales2")
    login_as("manager")
    base = {"name": "王二", "gender": "unknown", "status": "potential", "parent_name": "王妈妈",
            "parent_phone": "13912345678"}
    bad_id = client.post("/students/new", data={**base, "id_card": "110105194912310021"})
    assert bad_id.status_code == 422 and "身份证号码无效" in _text(bad_id)
    duplicate = client.post("/students/new", data={**base, "phone": "13800138000"})
    assert duplicate.status_code == 422 and "Sales2" in _text(duplicate)
    assert db.session.scalar(db.select(db.func.count(Student.id))) == 1
    assert db.session.scalar(db.select(db.func.count(Parent.id))) == 1


def test_teachers_may_not_create_or_edit_students(client, login_as, make_student, make_class, enroll):
    student = make_student()
    enroll(student, make_class())
    login_as("teacher")
    assert client.get("/students/new").status_code == 403
    assert client.post(f"/students/{student.id}/edit", data={"name": "x"}).status_code == 403


def test_editing_keeps_a_phone_the_editor_may_not_read(client, login_as, make_student):
    student = make_student("张三", phone="13800001234", id_card=VALID_ID)
    login_as("academic")
    form = _text(client.get(f"/students/{student.id}/edit"))
    assert "13800001234" not in form and VALID_ID not in form and "138****1234" in form
    response = client.post(f"/students/{student.id}/edit", data={"name": "张三丰", "gender": "male", "phone": "",
                                                                  "id_card": ""})
    assert response.status_code == 302, _text(response)
    db.session.expire_all()
    student = db.session.get(Student, student.id)
    assert (student.name, student.phone, student.id_card) == ("张三丰", "13800001234", VALID_ID)


def test_parents_are_added_swapped_and_the_primary_kept(client, login_as, make_student):
    student = make_student()
    mother = student.parents[0]
    login_as("sales")
    added = client.post(f"/students/{student.id}/parents", headers=HX,
                        data={"name": "李爸爸", "relationship": "父亲", "phone": "13700001111"})
    assert added.status_code == 200 and "李爸爸" in _text(added) and "<html" not in _text(added)
    father = db.session.scalar(db.select(Parent).where(Parent.name == "李爸爸"))
    refused = client.post(f"/students/{student.id}/parents/{mother.id}/delete", headers=HX)
    assert refused.status_code == 422 and 'data-testid="parent-message"' in _text(refused)
    swapped = client.post(f"/students/{student.id}/parents/{father.id}/primary", headers=HX)
    assert swapped.status_code == 200
    db.session.expire_all()
    assert [p.name for p in db.session.scalars(db.select(Parent).where(Parent.is_primary))] == ["李爸爸"]
    assert client.post(f"/students/{student.id}/parents/{mother.id}/delete", headers=HX).status_code == 200


def test_a_parent_of_another_student_is_404(client, login_as, make_student):
    one, other = make_student("甲"), make_student("乙")
    login_as("manager")
    foreign = other.parents[0].id
    assert client.post(f"/students/{one.id}/parents/{foreign}/primary", headers=HX).status_code == 404
    assert client.get(f"/students/{one.id}/parents/{foreign}/edit").status_code == 404


def test_a_bad_parent_form_comes_back_with_422(client, login_as, make_student):
    student = make_student()
    login_as("manager")
    response = client.post(f"/students/{student.id}/parents", headers=HX, data={"name": "", "phone": "123"})
    assert response.status_code == 422 and "invalid-feedback" in _text(response)
    parent = student.parents[0]
    edit = client.post(f"/students/{student.id}/parents/{parent.id}/edit",
                       data={"name": "新名字", "relationship": "母亲", "phone": "13700002222"})
    assert edit.status_code == 302
    db.session.expire_all()
    assert db.session.get(Parent, parent.id).name == "新名字"
