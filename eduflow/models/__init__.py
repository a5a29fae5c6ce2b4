"""Every model, imported here so that metadata is complete for Alembic and the app."""
from eduflow.models.attendance import Attendance, Makeup
from eduflow.models.audit import AuditLog, LoginAttempt
from eduflow.models.base import Base, utcnow
from eduflow.models.enrollments import Enrollment, LessonLedgerEntry, Payment, RenewalReminder
from eduflow.models.enums import *  # noqa: F401,F403 - enums are part of the model vocabulary
from eduflow.models.followups import FollowUp, SixSpeed, SixSpeedChange, TrialLesson
from eduflow.models.imports import ImportBatch, ImportRow
from eduflow.models.leads import (
    Lead, LeadInheritance, LeadPoolEvent, LeadStageChange, SourceChannel, Tag, lead_courses, lead_tags,
)
from eduflow.models.name_keys import LeadNameKey, StudentNameKey
from eduflow.models.notifications import (
    Notification, NotificationEvent, NotificationPreference, NotificationTemplate,
)
from eduflow.models.org import Campus, Settings, User
from eduflow.models.parents import LeaveRequest, ParentAccount, ParentInvite, ParentLoginCode
from eduflow.models.rollups import (  # noqa: F401
    FollowUpDay, FollowUpGap, FollowUpPair, FollowUpReach, FunnelDay, LeadStageCount, SchoolDay, SheetDay,
)
from eduflow.models.rollups_school import LessonDay, PaymentDay  # noqa: F401
from eduflow.models.schedule import ClassGroup, Classroom, Course, Lesson
from eduflow.models.students import Parent, Review, StatusChange, Student, student_tags
from eduflow.models.submissions import SubmissionToken

__all__ = [
    "AuditLog", "Attendance", "Base", "Campus", "ClassGroup", "Classroom", "Course", "Enrollment", "FollowUp",
    "ImportBatch", "ImportRow",
    "Lead", "LeadInheritance", "LeadNameKey", "LeadPoolEvent", "LeadStageChange", "LeaveRequest", "Lesson", "LessonLedgerEntry",
    "LoginAttempt",
    "Makeup", "Notification", "NotificationEvent", "NotificationPreference", "NotificationTemplate", "Parent", "ParentAccount", "ParentInvite", "ParentLoginCode", "Payment", "RenewalReminder", "Review", "Settings", "SixSpeed", "SixSpeedChange",
    "SourceChannel", "StatusChange", "Student", "StudentNameKey", "SubmissionToken", "Tag", "TrialLesson", "User", "lead_courses",
    "lead_tags", "student_tags", "utcnow",
]
