"""Status changes over HTTP: request → queue → approve / reject; who may decide; scope answers 404."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from eduflow.enrollments.ledger import balance
from eduflow.extensions import db
from eduflow.models import ApprovalStatus, Payment, StatusChange, StatusChangeKind, StudentStatus
from eduflow.students.status_changes import StatusRequest, request_change
from eduflow.submissions import new_token

HX = {"HX-Request": "true"}


def _pending(student, users, kind=StatusChangeKind.SUSPEND, **fields):
    change = request_change(student, StatusRequest(kind=kind, reason="家长申请", **fields), by=users["sales"])
    db.session.commit()
    return change


def _changes():
    return db.session.scalars(select(StatusChange)).all()


def test_sales_requests_a_suspension_for_their_student(client, switch_to, enrolled):
    student, _group, _enrollment = enrolled
    switch_to("sales")
    page = client.get(f"/students/{student.id}/status-requests")
    assert page.status_code == 200 and "申请状态变更" in page.get_data(as_text=True)
    response = client.post(f"/students/{student.id}/status-requests", data={"kind": "suspend", "reason": "出国三周"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/students/{student.id}")
    [change] = _changes()
    assert (change.kind, change.reason, change.approval_status) == (
        StatusChangeKind.SUSPEND, "出国三周", ApprovalStatus.PENDING)


def test_a_bad_request_answers_422_with_the_message_and_saves_nothing(client, switch_to, enrolled):
    student, _group, enrollment = enrolled
    switch_to("sales")
    url = f"/students/{student.id}/status-requests"
    for data, message in (({"kind": "resume", "reason": "想复学"}, "不能办理复学"),
                          ({"kind": "bogus", "reason": "随便"}, "请选择有效的变更类型"),
                          ({"kind": "suspend", "reason": ""}, "请填写申请原因"),
                          ({"kind": "refund", "reason": "搬家", "enrollment": str(enrollment.id),
                            "refund_amount": "99999", "submission_token": new_token()}, "超过实收金额"),
                          ({"kind": "refund", "reason": "搬家", "enrollment": str(enrollment.id)}, "页面已过期"),
                          ({"kind": "transfer", "reason": "换班", "enrollment": str(enrollment.id)}, "请选择转入的班级")):
        response = client.post(url, data=data)
        assert response.status_code == 422, data
        assert message in response.get_data(as_text=True)
    assert _changes() == []


def test_changing_the_kind_refreshes_the_form_with_the_refund_computation(client, switch_to, enrolled):
    student, _group, enrollment = enrolled
    switch_to("academic")
    response = client.get(f"/students/{student.id}/status-requests?kind=refund&enrollment={enrollment.id}", headers=HX)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body
    assert "剩余 20 课时" in body and 'value="3000.00"' in body


def test_a_refund_goes_through_the_queue_and_is_applied_on_approval(client, switch_to, users, enrolled):
    student, _group, enrollment = enrolled
    switch_to("sales")
    client.post(f"/students/{student.id}/status-requests",
                data={"kind": "refund", "reason": "搬家", "enrollment": str(enrollment.id), "refund_amount": "2500",
                      "submission_token": new_token()})
    [change] = _changes()
    switch_to("manager")
    queue = client.get("/students/approvals").get_data(as_text=True)
    assert f'data-testid="pending-{change.id}"' in queue and "搬家" in queue
    response = client.post(f"/students/status-requests/{change.id}/decide", headers=HX,
                           data={"decision": "approve", "refund_amount": "2400", "refund_method": "cash",
                                 "submission_token": new_token()})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body and f'data-testid="decided-{change.id}"' in body
    db.session.expire_all()
    assert change.approval_status == ApprovalStatus.APPROVED and balance(enrollment.id) == 0
    refund = db.session.scalar(select(Payment).where(Payment.is_refund.is_(True)))
    assert refund.amount == Decimal("2400.00") and student.status == StudentStatus.REFUNDED


def test_rejecting_needs_notes_and_records_them(client, switch_to, users, enrolled):
    student, _group, _enrollment = enrolled
    change = _pending(student, users)
    switch_to("manager")
    url = f"/students/status-requests/{change.id}/decide"
    refused = client.post(url, headers=HX, data={"decision": "reject", "notes": ""})
    assert refused.status_code == 422 and "拒绝时请填写原因" in refused.get_data(as_text=True)
    assert client.post(url, data={"decision": "reject", "notes": "先与家长面谈"}).status_code == 302
    db.session.expire_all()
    assert change.approval_status == ApprovalStatus.REJECTED and change.notes == "先与家长面谈"
    assert student.status == StudentStatus.ACTIVE


def test_a_decided_request_cannot_be_decided_again(client, switch_to, users, enrolled):
    student, _group, _enrollment = enrolled
    change = _pending(student, users)
    switch_to("manager")
    url = f"/students/status-requests/{change.id}/decide"
    assert client.post(url, headers=HX, data={"decision": "approve"}).status_code == 200
    again = client.post(url, headers=HX, data={"decision": "reject", "notes": "改主意"})
    assert again.status_code == 422 and "不能重复审批" in again.get_data(as_text=True)
    db.session.expire_all()
    assert change.approval_status == ApprovalStatus.APPROVED and student.status == StudentStatus.SUSPENDED


def test_only_managers_and_admins_decide_and_only_on_their_campus(client, switch_to, users, enrolled, make_student):
    student, _group, _enrollment = enrolled
    change = _pending(student, users)
    url = f"/students/status-requests/{change.id}/decide"
    for role in ("sales", "academic", "teacher"):
        switch_to(role)
        assert client.post(url, data={"decision": "approve"}).status_code == 403
        assert client.get("/students/approvals").status_code == 403
    switch_to("manager_b")
    assert client.post(url, data={"decision": "approve"}).status_code == 404
    assert f"pending-{change.id}" not in client.get("/students/approvals").get_data(as_text=True)
    db.session.expire_all()
    assert change.approval_status == ApprovalStatus.PENDING


def test_both_sides_see_the_history_on_the_student_panel(client, switch_to, users, enrolled):
    student, _group, _enrollment = enrolled
    change = _pending(student, users)
    switch_to("manager")
    client.post(f"/students/status-requests/{change.id}/decide", data={"decision": "reject", "notes": "考试周"})
    for role in ("sales", "manager", "teacher"):
        switch_to(role)
        response = client.get(f"/students/{student.id}/status-panel", headers=HX)
        body = response.get_data(as_text=True)
        assert response.status_code == 200 and "<html" not in body
        assert "家长申请" in body and "考试周" in body and "已拒绝" in body
    assert client.get(f"/students/{student.id}/status-panel").status_code == 302  # not htmx: the student page


def test_out_of_scope_students_answer_404(client, switch_to, users, make_student):
    colleague = make_student(name="同事的", owner="sales2")
    other = make_student(name="二校的", campus=1, owner="sales_b")
    switch_to("sales")
    assert client.get(f"/students/{colleague.id}/status-requests").status_code == 404
    assert client.post(f"/students/{colleague.id}/status-requests",
                       data={"kind": "suspend", "reason": "x"}).status_code == 404
    switch_to("academic")
    assert client.get(f"/students/{other.id}/status-panel", headers=HX).status_code == 404
    switch_to("teacher")
    assert client.get(f"/students/{colleague.id}/status-requests").status_code == 403
    assert _changes() == []


def test_a_transfer_lists_the_same_courses_classes_and_refuses_a_full_one(client, switch_to, users, enrolled,
                                                                          make_class, make_student, enroll):
    student, _group, enrollment = enrolled
    free, full = make_class(name="编程二班"), make_class(name="编程满员班", capacity=1)
    enroll(make_student(name="占位"), full)
    switch_to("academic")
    url = f"/students/{student.id}/status-requests"
    form = client.get(f"{url}?kind=transfer&enrollment={enrollment.id}", headers=HX).get_data(as_text=True)
    assert "编程二班" in form and "编程满员班" in form and "已满" in form
    refused = client.post(url, data={"kind": "transfer", "reason": "换时间", "enrollment": str(enrollment.id),
                                     "target_class": str(full.id)})
    assert refused.status_code == 422 and "已满" in refused.get_data(as_text=True)
    assert client.post(url, data={"kind": "transfer", "reason": "换时间", "enrollment": str(enrollment.id),
                                  "target_class": str(free.id)}).status_code == 302
    [change] = _changes()
    assert change.target_class_id == free.id and change.enrollment_id == enrollment.id


def test_a_suspension_request_carries_its_start_and_planned_return_to_the_approval(client, switch_to, enrolled):
    from eduflow.i18n import school_today
    import datetime as dt

    student, _group, _enrollment = enrolled
    today = school_today()
    start, back = today + dt.timedelta(days=2), today + dt.timedelta(days=30)
    switch_to("sales")
    form = client.get(f"/students/{student.id}/status-requests?kind=suspend", headers=HX).get_data(as_text=True)
    assert 'name="effective_on"' in form and 'name="planned_return_on"' in form and "休学开始日期" in form
    assert 'name="planned_return_on"' not in client.get(
        f"/students/{student.id}/status-requests?kind=resume", headers=HX).get_data(as_text=True)
    url = f"/students/{student.id}/status-requests"
    for dates, message in (({"effective_on": (today - dt.timedelta(days=1)).isoformat()}, "不能早于今天"),
                           ({"effective_on": start.isoformat(), "planned_return_on": start.isoformat()},
                            "晚于休学开始日期"),
                           ({"effective_on": "2026-02-30"}, "休学开始日期")):
        response = client.post(url, data={"kind": "suspend", "reason": "骨折", **dates})
        assert response.status_code == 422 and message in response.get_data(as_text=True), dates
    assert _changes() == []
    client.post(url, data={"kind": "suspend", "reason": "骨折", "effective_on": start.isoformat(),
                           "planned_return_on": back.isoformat()})
    [change] = _changes()
    assert (change.effective_on, change.planned_return_on) == (start, back)
    switch_to("manager")
    queue = client.get("/students/approvals").get_data(as_text=True)
    assert f"休学开始：{start.isoformat()}" in queue and f"计划复学：{back.isoformat()}" in queue
    assert f"批准后于 {start.isoformat()} 生效" in queue and "批准后立即生效（" not in queue
    decided = client.post(f"/students/status-requests/{change.id}/decide", data={"decision": "approve"},
                          headers=HX).get_data(as_text=True)
    assert f"将于 {start.isoformat()} 生效" in decided and "变更已生效" not in decided
    db.session.expire_all()
    assert (student.status, student.suspended_from, student.returns_on) == (StudentStatus.ACTIVE, start, back)


def test_the_request_form_offers_its_kinds_in_the_reader_s_language(client, login_as, enrolled):
    """Form classes are built once at import: their enum choices must still follow each request's language."""
    student = enrolled[0]
    login_as("sales")
    assert "休学" in client.get(f"/students/{student.id}/status-requests").get_data(as_text=True)
    client.post("/language", data={"locale": "en"})
    page = client.get(f"/students/{student.id}/status-requests").get_data(as_text=True)
    assert ">休学<" not in page and ">退费<" not in page
