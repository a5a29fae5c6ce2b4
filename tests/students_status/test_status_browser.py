"""Status changes and reviews in the real browser on a tablet: sales requests a 休学, the manager approves it in
the queue, both see the history; a refund request shows its computation; a teacher replies to a review."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from eduflow.extensions import db
from eduflow.models import Course, Review
from eduflow.students.reviews import school_today
from tests import factories
from tests.browser_support import screenshot, sign_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def student(make_student, make_class, enroll):
    """王小明, active, of sales, in 编程一班 of 少儿编程: 20 lessons paid in full (¥3000)."""
    course = factories.make_course("少儿编程")
    student = make_student()
    enroll(student, make_class("编程一班", of=course), of=course)
    return student


def _switch(page, who: str) -> None:
    page.context.clear_cookies()
    sign_in(page, who, PASSWORD)


def test_sales_requests_a_suspension_the_manager_approves_and_both_see_it(page, users, student):
    sign_in(page, "sales", PASSWORD)
    page.goto(f"/students/{student.id}")
    page.get_by_test_id("request-status-change").click()
    expect(page.locator("#kind-suspend")).to_be_checked()
    page.fill("textarea[name=reason]", "下月随父母出国三周")
    screenshot(page, "status-request-suspend-tablet")
    page.get_by_test_id("status-submit").click()
    panel = page.get_by_test_id("status-panel")
    expect(panel).to_contain_text("下月随父母出国三周")
    expect(panel.get_by_test_id("approval-status")).to_have_text("待审批")

    _switch(page, "manager")
    page.goto("/students/approvals")
    item = page.locator("[data-testid^=pending-]").filter(has_text="下月随父母出国三周")
    item.locator("textarea[name=notes]").fill("同意，保留剩余课时")
    page.once("dialog", lambda dialog: dialog.accept())
    item.get_by_role("button", name="批准").click()
    expect(page.get_by_test_id("approvals-message")).to_contain_text("已批准 王小明 的休学申请")
    expect(page.get_by_test_id("queue-empty")).to_be_visible()
    decided = page.locator("[data-testid^=decided-]").first
    expect(decided).to_contain_text("同意，保留剩余课时")
    screenshot(page, "status-approvals-decided-tablet")

    _switch(page, "sales")
    page.goto(f"/students/{student.id}")
    expect(page.get_by_test_id("page-title").get_by_test_id("student-status")).to_have_text("休学")
    panel = page.get_by_test_id("status-panel")
    expect(panel.get_by_test_id("approval-status")).to_have_text("已批准")
    expect(panel.get_by_test_id("change-decision")).to_contain_text("同意，保留剩余课时")
    panel.scroll_into_view_if_needed()
    screenshot(page, "status-history-sales-tablet")


def test_choosing_refund_shows_the_computation_and_the_manager_edits_the_amount(page, users, student):
    sign_in(page, "academic", PASSWORD)
    page.goto(f"/students/{student.id}/status-requests")
    page.get_by_test_id("kind-refund").click()
    expect(page.get_by_test_id("quote-refundable")).to_contain_text("20 节 × ¥150.00 = ¥3,000.00")
    expect(page.locator("input[name=refund_amount]")).to_have_value("3000.00")
    page.fill("input[name=refund_amount]", "99999")
    page.fill("textarea[name=reason]", "家庭搬家到外地")
    page.get_by_test_id("status-submit").click()
    expect(page.get_by_test_id("status-form-error")).to_contain_text("超过实收金额")
    page.fill("input[name=refund_amount]", "2800")
    screenshot(page, "status-request-refund-tablet")
    page.get_by_test_id("status-submit").click()
    expect(page.get_by_test_id("status-panel")).to_contain_text("家庭搬家到外地")

    _switch(page, "manager")
    page.goto("/students/approvals")
    item = page.locator("[data-testid^=pending-]").first
    expect(item.get_by_test_id("quote-bought")).to_contain_text("剩余 20")
    item.locator("input[name=refund_amount]").fill("2500")
    item.locator("select[name=refund_method]").select_option("cash")
    screenshot(page, "status-approvals-pending-refund-tablet")
    page.once("dialog", lambda dialog: dialog.accept())
    item.get_by_role("button", name="批准").click()
    expect(page.get_by_test_id("approvals-message")).to_contain_text("已批准")
    expect(page.locator("[data-testid^=decided-]").first).to_contain_text("¥2,500.00")
    page.goto(f"/students/{student.id}")
    expect(page.get_by_test_id("page-title").get_by_test_id("student-status")).to_have_text("退费")
    screenshot(page, "status-refund-applied-tablet")


def test_a_teacher_replies_to_a_review_in_place(page, users, student):
    review = Review(student_id=student.id, course_id=db.session.scalar(db.select(Course.id)),
                    teacher_id=users["teacher"].id, overall_rating=4, course_rating=4, teacher_rating=5,
                    comment="孩子很喜欢老师", reviewed_on=school_today())
    db.session.add(review)
    db.session.commit()
    sign_in(page, "teacher", PASSWORD)
    page.goto("/students/reviews")
    expect(page.get_by_test_id("averages-teacher")).to_contain_text("4.0")
    page.get_by_test_id(f"reply-toggle-{review.id}").click()
    page.fill(f"#reply-{review.id}", "谢谢家长，继续加油")
    page.get_by_test_id(f"reply-submit-{review.id}").click()
    expect(page.get_by_test_id(f"review-{review.id}").get_by_test_id("review-reply")).to_contain_text("谢谢家长")
    expect(page.get_by_test_id("reply-saved")).to_be_visible()
    screenshot(page, "reviews-reply-tablet")


def test_academic_records_a_review_with_tap_ratings(page, users, student):
    sign_in(page, "academic", PASSWORD)
    page.goto(f"/students/{student.id}")
    page.get_by_test_id("new-review").click()
    page.select_option("select[name=teacher]", label="Teacher")
    page.get_by_test_id("overall_rating-5").click()
    page.get_by_test_id("course_rating-4").click()
    page.get_by_test_id("teacher_rating-5").click()
    page.fill("textarea[name=comment]", "老师讲得很清楚")
    screenshot(page, "review-new-tablet")
    page.get_by_test_id("review-submit").click()
    panel = page.get_by_test_id("reviews-panel")
    expect(panel).to_contain_text("老师讲得很清楚")
    expect(panel).to_contain_text("少儿编程")
