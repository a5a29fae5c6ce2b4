"""The lead, student and enrolment lists as files: what the list shows (filters, sort, every page), in scope."""
from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from eduflow.extensions import db
from eduflow.models import EnrollmentStatus, LeadStage
from tests.exports.reading import column, read_csv, read_xlsx

FORMATS = [("csv", read_csv), ("xlsx", read_xlsx)]


@pytest.mark.parametrize("fmt, read", FORMATS)
def test_a_manager_exports_only_their_campus_leads(client, login_as, make_lead, fmt, read):
    make_lead("张三", phone="13811112222")
    make_lead("外校", campus=1, owner="sales_b")
    login_as("manager")
    response = client.get(f"/exports/leads.{fmt}")
    assert response.status_code == 200
    rows = read(response)
    assert column(rows, "姓名") == ["张三"]
    assert column(rows, "联系电话") == ["13811112222"]  # the campus manager may see it in full
    assert column(rows, "校区") == ["一校区"]


def test_an_admin_exports_the_leads_of_every_campus(client, login_as, make_lead):
    make_lead("张三")
    make_lead("外校", campus=1, owner="sales_b")
    login_as("admin")
    assert sorted(column(read_csv(client.get("/exports/leads.csv")), "姓名")) == ["外校", "张三"]


def test_the_lead_export_applies_the_list_filters_and_sort(client, login_as, make_lead, users):
    make_lead("王五", stage=LeadStage.INTENT)
    make_lead("安娜", stage=LeadStage.INTENT, owner="sales2")
    make_lead("张三", stage=LeadStage.NEW)
    login_as("manager")
    rows = read_csv(client.get("/exports/leads.csv?stage=intent&sort=name"))
    assert column(rows, "姓名") == ["安娜", "王五"]
    assert column(rows, "阶段") == ["意向明确", "意向明确"]  # labels, not stored values
    rows = read_csv(client.get(f"/exports/leads.csv?stage=intent&owner={users['sales'].id}"))
    assert column(rows, "姓名") == ["王五"]
    assert column(read_csv(client.get("/exports/leads.csv?q=zs")), "姓名") == ["张三"]


def test_the_export_holds_every_page_of_the_list(app, client, login_as, make_lead):
    for n in range(app.config["PAGE_SIZE"] + 5):
        make_lead(f"线索{n:02d}")
    login_as("manager")
    rows = read_xlsx(client.get("/exports/leads.xlsx?page=1"))
    assert len(rows) - 1 == app.config["PAGE_SIZE"] + 5


def test_the_student_export_shows_phone_parent_class_and_lessons_left(client, login_as, school):
    login_as("manager")
    rows = read_csv(client.get("/exports/students.csv?sort=name"))
    assert column(rows, "姓名") == ["李小红", "王小明"]
    assert column(rows, "手机号码") == ["13900000002", "13900000001"]
    assert column(rows, "主要联系人") == ["李小红妈妈", "王小明妈妈"]
    assert column(rows, "班级") == ["英语一班", "英语一班"]
    assert column(rows, "剩余课时") == ["19", "19"]
    assert column(rows, "状态") == ["在读", "在读"]


def test_the_student_export_filters_by_class_and_owner(client, login_as, school, users):
    login_as("admin")
    other_class = school.classes[1].id
    assert column(read_csv(client.get(f"/exports/students.csv?class_id={other_class}")), "姓名") == ["赵小刚"]
    rows = read_csv(client.get(f"/exports/students.csv?owner={users['sales2'].id}"))
    assert column(rows, "姓名") == ["李小红"]


def test_the_enrolment_export_has_money_in_yuan_and_the_ledger_balance(client, login_as, school):
    login_as("manager")
    response = client.get("/exports/enrollments.xlsx?owing=y")
    body = response.get_data()
    rows = read_xlsx(response)
    assert sorted(column(rows, "合同编号")) == ["HT-李小红", "HT-王小明"]
    assert column(rows, "合同金额（元）") == [3000, 3000]
    assert column(rows, "已收（元）") == [1000, 1000]
    assert column(rows, "待收（元）") == [2000, 2000]
    assert column(rows, "剩余课时") == [19, 19]
    assert column(rows, "支付方式") == ["微信支付", "微信支付"]
    sheet = load_workbook(io.BytesIO(body)).active
    assert sheet["G2"].number_format == "0.00" and sheet["F2"].number_format == "yyyy-mm-dd"


def test_the_enrolment_export_filters_by_status(client, login_as, school):
    school.enrollments["王小明"].status = EnrollmentStatus.FINISHED
    db.session.commit()
    login_as("manager")
    rows = read_csv(client.get("/exports/enrollments.csv?status=active"))
    assert column(rows, "学员") == ["李小红"]
    assert column(rows, "待收（元）") == ["2000.00"]


@pytest.mark.parametrize("url", [
    "/exports/students.xlsx?class_id={other_class}",
    "/exports/enrollments.csv?class_id={other_class}",
    "/exports/leads.csv?owner={other_sales}",
    "/exports/students.csv?owner={other_sales}",
])
def test_an_id_from_another_campus_in_a_filter_is_not_found(client, login_as, school, users, url):
    login_as("manager")
    response = client.get(url.format(other_class=school.classes[1].id, other_sales=users["sales_b"].id))
    assert response.status_code == 404


@pytest.mark.parametrize("query", ["stage=bogus", "sort_by=x&source=abc", "q=" + "很长" * 40])
def test_a_malformed_filter_is_refused_with_a_message_not_exported_unfiltered(client, login_as, query):
    login_as("manager")
    response = client.get(f"/exports/leads.csv?{query}")
    assert response.status_code in (400, 404)
    assert "text/csv" not in response.content_type
    if response.status_code == 400:
        assert 'data-testid="form-error"' in response.get_data(as_text=True)


@pytest.mark.parametrize("page, endpoint, query", [
    ("/leads", "leads", "stage=intent&page=2"),
    ("/students", "students", "status=active&page=2"),
    ("/enrollments", "enrollments", "owing=y&page=2"),
])
@pytest.mark.parametrize("htmx", [False, True])
def test_list_pages_offer_export_links_with_the_current_filters(client, login_as, page, endpoint, query, htmx):
    login_as("manager")
    html = client.get(f"{page}?{query}", headers={"HX-Request": "true"} if htmx else {}).get_data(as_text=True)
    wanted = query.split("&")[0]
    assert f'href="/exports/{endpoint}.xlsx?{wanted}"' in html
    assert f'href="/exports/{endpoint}.csv?{wanted}"' in html


@pytest.mark.parametrize("role, page", [("sales", "/leads"), ("sales", "/students"), ("academic", "/enrollments"),
                                        ("teacher", "/students")])
def test_roles_that_may_not_export_see_no_export_links(client, login_as, role, page):
    login_as(role)
    response = client.get(page)
    assert response.status_code == 200
    assert 'data-testid="export-links"' not in response.get_data(as_text=True)
