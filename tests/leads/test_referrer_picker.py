"""The 推荐学员 picker of a 转介绍 lead: it searches the students in scope as the user types (an htmx fragment), tells
two students of the same name apart by class and the phone's last four digits, and without a script the typed text
sent with the form names the referrer when one student matches."""
import re

import pytest
from sqlalchemy import select

from eduflow.extensions import db
from eduflow.leads.referrers import referrer_options
from eduflow.models import Lead, Parent, SourceChannel
from tests.statements import counted

HTMX = {"HX-Request": "true"}


@pytest.fixture
def referral():
    return db.session.scalar(select(SourceChannel.id).where(SourceChannel.is_referral))


@pytest.fixture
def namesakes(make_student, make_class, enroll):
    """Two 张三 of sales: one in 英语一班 with her own phone, one in 英语二班 reached through his mother's."""
    first, second = make_student("张三", phone="13800001111"), make_student("张三")
    db.session.add(Parent(student_id=second.id, name="张妈妈", is_primary=True, phone="13900002222"))
    enroll(first, make_class("英语一班"))
    enroll(second, make_class("英语二班"))
    return first, second


def _form(referral, **overrides):
    return {"name": "新同学", "gender": "unknown", "phone": "13700137000", "source_id": str(referral),
            "level": "potential", "is_valid": "y", "consult_date": "", **overrides}


def _options(body: str) -> dict[str, str]:
    """Each student offered, by id: the text of their choice."""
    found = re.findall(r'data-student-id="(\d+)">(.*?)</label>', body, re.S)
    return {ident: " ".join(re.sub(r"<[^>]+>", " ", text).split()) for ident, text in found}


def test_typing_a_name_lists_both_namesakes_told_apart_by_class_and_phone(client, login_as, namesakes):
    first, second = namesakes
    login_as("sales")
    response = client.get("/leads/referrers?referrer_q=张三", headers=HTMX)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body
    options = _options(body)
    assert options == {str(first.id): "张三 英语一班 · 手机尾号 1111", str(second.id): "张三 英语二班 · 手机尾号 2222"}
    assert "找到 2 位学员" in body


def test_pinyin_initials_and_the_last_four_digits_find_a_referrer(client, login_as, namesakes):
    first, second = namesakes
    login_as("sales")
    assert set(_options(client.get("/leads/referrers?referrer_q=zs", headers=HTMX).get_data(as_text=True))) \
        == {str(first.id), str(second.id)}
    assert set(_options(client.get("/leads/referrers?referrer_q=1111", headers=HTMX).get_data(as_text=True))) \
        == {str(first.id)}


def test_the_picker_offers_only_students_the_user_may_see(client, login_as, namesakes, make_student):
    colleagues = make_student("张三", owner="sales2")
    other_campus = make_student("张三", owner="sales_b", campus=1)
    login_as("sales")
    body = client.get(f"/leads/referrers?referrer_q=张三&referrer_student_id={colleagues.id}",
                      headers=HTMX).get_data(as_text=True)
    assert str(colleagues.id) not in _options(body) and len(_options(body)) == 2
    login_as.logout()
    login_as("manager")
    offered = _options(client.get("/leads/referrers?referrer_q=张三", headers=HTMX).get_data(as_text=True))
    assert str(colleagues.id) in offered and str(other_campus.id) not in offered


def test_an_admin_sees_the_campus_of_each_student_and_can_narrow_to_the_new_leads_campus(
        client, login_as, namesakes, make_student, campuses):
    elsewhere = make_student("张三", owner="sales_b", campus=1)
    login_as("admin")
    everywhere = _options(client.get("/leads/referrers?referrer_q=张三", headers=HTMX).get_data(as_text=True))
    assert len(everywhere) == 3 and everywhere[str(elsewhere.id)].endswith(campuses[1].name)
    narrowed = client.get(f"/leads/referrers?referrer_q=张三&campus_id={campuses[1].id}", headers=HTMX)
    assert set(_options(narrowed.get_data(as_text=True))) == {str(elsewhere.id)}


def test_the_chosen_student_stays_offered_and_checked_while_the_user_types_on(client, login_as, namesakes,
                                                                              make_student):
    first, _second = namesakes
    make_student("李四")
    login_as("sales")
    body = client.get(f"/leads/referrers?referrer_q=李四&referrer_student_id={first.id}",
                      headers=HTMX).get_data(as_text=True)
    assert list(_options(body)) == [str(first.id), *[key for key in _options(body) if key != str(first.id)]]
    assert re.search(rf'value="{first.id}"\s+checked', body)


def test_a_bad_value_in_the_search_is_left_out_not_refused(client, login_as, namesakes):
    login_as("sales")
    response = client.get("/leads/referrers?referrer_q=张三&referrer_student_id=abc&lead_id=x", headers=HTMX)
    assert response.status_code == 200 and len(_options(response.get_data(as_text=True))) == 2


def test_the_matches_are_described_in_a_fixed_number_of_queries(app, users, make_student, make_class, enroll):
    group = make_class("英语一班")
    for number in range(8):
        enroll(make_student(f"王{number}号", phone=f"1380000{number:04d}"), group)
    with app.test_request_context():
        with counted() as statements:
            options = referrer_options(users["sales"], campus_id=users["sales"].campus_id, q="王")
    assert len(options.matches) == 8 and all(match.classes == ("英语一班",) for match in options.matches)
    assert len(statements) <= 3  # the students, their classes (parents only for those without a phone)


def test_a_lead_saves_the_referrer_chosen_from_the_list(client, login_as, namesakes, referral):
    _first, second = namesakes
    login_as("sales")
    response = client.post("/leads/new", data=_form(referral, referrer_q="张三", referrer_student_id=str(second.id)))
    assert response.status_code == 302
    assert db.session.scalar(select(Lead.referrer_student_id)) == second.id


def test_without_a_script_one_matching_student_is_taken_from_the_typed_text(client, login_as, namesakes, referral,
                                                                            make_student):
    only = make_student("李四")
    login_as("sales")
    response = client.post("/leads/new", data=_form(referral, referrer_q="李四", referrer_student_id=""))
    assert response.status_code == 302
    assert db.session.scalar(select(Lead.referrer_student_id)) == only.id


def test_without_a_script_several_matches_are_listed_beside_the_field_to_choose_from(client, login_as, namesakes,
                                                                                     referral):
    first, second = namesakes
    login_as("sales")
    response = client.post("/leads/new", data=_form(referral, referrer_q="张三"))
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and "有多位学员与“张三”相符，请选择一位。" in body
    assert set(_options(body)) == {str(first.id), str(second.id)}
    assert db.session.scalar(select(Lead.id)) is None


def test_a_name_nobody_has_is_refused_beside_the_field(client, login_as, namesakes, referral):
    login_as("sales")
    response = client.post("/leads/new", data=_form(referral, referrer_q="赵六"))
    assert response.status_code == 422 and "没有找到与“赵六”相符的学员。" in response.get_data(as_text=True)


def test_another_source_ignores_the_typed_text(client, login_as, namesakes):
    website = db.session.scalar(select(SourceChannel.id).where(SourceChannel.name == "官网"))
    login_as("sales")
    assert client.post("/leads/new", data=_form(website, referrer_q="张三")).status_code == 302
    assert db.session.scalar(select(Lead.referrer_student_id)) is None


def test_editing_shows_the_current_referrer_checked_and_searches_the_leads_campus(client, login_as, namesakes,
                                                                                 referral, make_lead):
    first, _second = namesakes
    lead = make_lead("被推荐的", source_id=referral, referrer_student_id=first.id)
    login_as("sales")
    body = client.get(f"/leads/{lead.id}/edit").get_data(as_text=True)
    assert _options(body) == {str(first.id): "张三 英语一班 · 手机尾号 1111"}
    assert re.search(rf'value="{first.id}"\s+checked', body)
    assert f'hx-vals="{{&#34;lead_id&#34;: {lead.id}}}"' in body
