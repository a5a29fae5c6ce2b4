"""Notifications reuse the parent side's family and the local SMTP server of the code sign-in tests."""
from tests.parents.conftest import family, parent_login  # noqa: F401 - fixtures
from tests.parents.test_login_codes import inbox  # noqa: F401 - the local SMTP server (aiosmtpd)
