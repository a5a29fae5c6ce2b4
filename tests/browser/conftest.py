"""The browser fixtures live in tests/browser_support.py (shared by every test that takes `page`)."""
from tests.browser_support import CHROMIUM, TABLET, screenshot, sign_in  # noqa: F401 - re-exported for tests
