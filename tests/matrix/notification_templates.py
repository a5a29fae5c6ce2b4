"""通知模板: admins only; managers and every other role 403 (the texts are the whole school's, and the preview shows
a real family's latest message from any campus), parents 403, anonymous visitors the login page."""
from tests.matrix import ADMIN_ONLY, PARENT, Route, fixed

TEXT = "/admin/notification-templates/deducted/inbox/zh_CN"
SMS = "/admin/notification-templates/deducted/sms/en"
DRAFT = {"subject": "课消：%(student)s", "body": "%(student)s 上课了", "version": ""}

ROWS = [
    Route("admin.notification_templates", "GET", fixed("/admin/notification-templates"), ADMIN_ONLY),
    Route("admin.notification_templates_edit", "GET", fixed(TEXT), ADMIN_ONLY),
    Route("admin.notification_templates_edit", "GET", fixed(SMS), ADMIN_ONLY, name="sms-en"),
    Route("admin.notification_templates_edit", "POST", fixed(TEXT), ADMIN_ONLY, data=DRAFT),
    Route("admin.notification_templates_preview", "POST", fixed(TEXT + "/preview"), ADMIN_ONLY, partial=True,
          data=DRAFT),
    Route("admin.notification_templates_preview", "POST", fixed(SMS + "/preview"), ADMIN_ONLY, partial=True,
          data={"body": "%(student)s"}, name="sms-en"),
    Route("admin.notification_templates_reset", "POST", fixed(TEXT + "/reset"), ADMIN_ONLY, data={"version": ""}),
    Route("admin.notification_templates_edit", "GET", fixed("/admin/notification-templates/nosuch/inbox/zh_CN"),
          {**{role: 404 for role in ADMIN_ONLY}, PARENT: 404}, name="unknown-kind"),
]


def build(users, campuses) -> dict:
    return {}
