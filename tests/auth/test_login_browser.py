"""Signing in on a tablet in the real browser."""
from playwright.sync_api import expect

from tests.browser_support import open_menu, screenshot, sign_in
from tests.conftest import PASSWORD


def test_sales_signs_in_on_a_tablet_and_sees_the_dashboard(page, users):
    sign_in(page, "sales", PASSWORD)
    expect(page.get_by_test_id("dashboard-title")).to_have_text("工作台")
    expect(page.get_by_test_id("stage-counts")).to_be_visible()
    screenshot(page, "dashboard-tablet")


def test_wrong_password_shows_a_message(page, users):
    sign_in(page, "sales", "not-the-password")
    expect(page.locator(".alert-danger")).to_contain_text("用户名或密码错误")
    screenshot(page, "login-failed")


def test_tablet_menu_opens_the_navigation(page, users):
    sign_in(page, "admin", PASSWORD)
    nav = page.get_by_test_id("main-nav")
    expect(nav).to_be_hidden()
    open_menu(page)
    expect(nav).to_be_visible()
    screenshot(page, "nav-open-tablet")


def test_switching_to_english_changes_the_interface(page, users):
    sign_in(page, "manager", PASSWORD)
    open_menu(page)  # on a tablet the switcher sits in the side menu
    page.select_option("#language-select", "en")
    expect(page.get_by_test_id("dashboard-title")).to_have_text("Dashboard")


def _sign_in_remembered(page, username: str) -> None:
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.check("input[name=remember]")
    page.click("form[data-testid=login-form] button[type=submit]")
    expect(page.get_by_test_id("dashboard-title")).to_be_visible()


def _log_out(page) -> None:
    open_menu(page)  # on a tablet the sign-out button sits in the side menu
    page.get_by_test_id("logout").click()
    expect(page.locator("form[data-testid=login-form]")).to_be_visible()


def test_remember_me_keeps_a_tablet_signed_in_without_its_session_cookie(page, users):
    _sign_in_remembered(page, "academic")
    page.context.clear_cookies(name="session")
    page.reload()
    expect(page.get_by_test_id("dashboard-title")).to_have_text("工作台")


def test_after_logout_a_remembered_tablet_shows_the_login_page(page, users):
    _sign_in_remembered(page, "academic")
    copied = page.context.cookies()
    _log_out(page)
    assert not [c for c in page.context.cookies() if c["name"] == "remember_token"], "the cookie is deleted"
    page.context.clear_cookies(name="session")
    page.reload()
    expect(page.locator("form[data-testid=login-form]")).to_be_visible()
    page.context.add_cookies(copied)  # the cookies as they were before 退出登录, put back
    page.goto("/")
    expect(page.locator("form[data-testid=login-form]")).to_be_visible()
    screenshot(page, "logout-remembered-tablet")
