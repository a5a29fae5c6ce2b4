"""The parent side's fixtures: a family with two children at two campuses, and signing a parent in."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from eduflow.extensions import db
from tests import factories


@dataclass
class Family:
    first: object  # 一校区
    second: object  # 二校区, same parent phone
    other: object  # another family's child on 一校区
    account: object


@pytest.fixture
def family(campuses, users):
    """王妈妈 (PARENT_PHONE) with a child at each campus and an account; 李爸爸's child is not hers."""
    first = factories.make_student(campuses[0], name="王小明", owner=users["sales"])
    second = factories.make_student(campuses[1], name="王小红", owner=users["sales_b"])
    other = factories.make_student(campuses[0], name="李小华", owner=users["sales"])
    factories.make_parent(first)
    factories.make_parent(second)
    factories.make_parent(other, name="李爸爸", phone="13987654321", relationship="父亲")
    account = factories.make_parent_account()
    db.session.commit()
    return Family(first, second, other, account)


class ParentLogin:
    def __init__(self, client):
        self._client = client

    def __call__(self, phone: str = factories.PARENT_PHONE, password: str = factories.PASSWORD, *,
                 remember: bool = False, expect: int = 302):
        data = {"phone": phone, "password": password}
        if remember:
            data["remember"] = "y"
        response = self._client.post("/p/login", data=data)
        assert response.status_code == expect, response.get_data(as_text=True)
        return response


@pytest.fixture
def parent_login(client):
    """parent_login(phone=PARENT_PHONE, password=PASSWORD, remember=False, expect=302): the /p/login form."""
    return ParentLogin(client)


PHONE = {"width": 375, "height": 667}  # the parent's phone (iPhone SE size), WeChat's built-in browser included


@pytest.fixture
def phone(browser, live_server):
    """A factory of pages on a parent's phone (375 × 667, touch, mobile): phone(locale="zh-CN") → page, each in its
    own browser context; console errors or page errors fail the test (tests.browser_support.device)."""
    from tests.browser_support import device

    with device(browser, live_server, viewport=PHONE, has_touch=True, is_mobile=True,
                device_scale_factor=2) as open_page:
        yield open_page


def sign_in_on_phone(page, phone_number: str = factories.PARENT_PHONE, password: str = factories.PASSWORD) -> None:
    """The parent signs in at /p/login on the phone and lands on the home page."""
    page.goto("/p/login")
    page.fill("input[name=phone]", phone_number)
    page.fill("input[name=password]", password)
    page.click("form[data-testid=parent-login-form] button[type=submit]")
    page.wait_for_url(lambda url: url.rstrip("/").endswith("/p"))
