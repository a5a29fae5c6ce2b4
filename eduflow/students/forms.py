"""Student forms: the list's filters (GET), the student form with its first parent, the parent form and the
timeline cursor (the quick-add follow-up is eduflow.followups.FollowUpForm, shared with the lead page)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField, DateField, SelectField, SelectMultipleField, StringField, TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from eduflow.access import home_campus, is_academic, is_admin, is_office, scoped
from eduflow.extensions import db
from eduflow.forms import EMAIL, PHONE_INPUT, FlaskForm, birth_date, contact_phone, optional, staff_label, strip, with_aside
from eduflow.i18n import school_today
from eduflow.models import ClassGroup, Gender, StudentStatus, User
from eduflow.security.idcard import birth_date_of, is_valid_id_card, mask_id_card, normalise_id_card
from eduflow.security.phones import mask_phone
from eduflow.students.queries import SORTS, StudentFilters
from eduflow.reference import active_campuses, manual_tags, selectable_sources
from eduflow.students.services import CREATE_STATUSES, selectable_owners
from eduflow.students.timeline import Cursor, parse_cursor

SORT_LABELS = {"newest": _l("最新录入"), "oldest": _l("最早录入"), "name": _l("按姓名")}


class StudentFilterForm(FlaskForm):
    """The student list's filters (GET, no CSRF); a value that does not validate simply does not filter."""

    class Meta:
        csrf = False

    q = StringField(_l("搜索"), filters=[strip], validators=[Length(max=64)])
    status = SelectField(_l("状态"), coerce=optional(StudentStatus),
                         choices=[("", _l("全部状态"))] + StudentStatus.choices())
    campus = SelectField(_l("校区"), coerce=optional(int))
    class_id = SelectField(_l("班级"), coerce=optional(int))
    owner = SelectField(_l("负责人"), coerce=optional(int))
    low_hours = BooleanField(_l("课时不足"))
    sort = SelectField(_l("排序"), choices=list(SORT_LABELS.items()), default="newest")

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        everywhere = is_admin(user)
        if everywhere:
            self.campus.choices = [("", _l("全部校区"))] + [(c.id, c.name) for c in active_campuses()]
        else:
            del self.campus
        if is_office(user):
            owners = selectable_owners(None if everywhere else user.campus_id)
            self.owner.choices = [("", _l("全部负责人"))] + [(u.id, staff_label(u, everywhere)) for u in owners]
        else:
            del self.owner
        classes = db.session.scalars(scoped(ClassGroup, user).order_by(ClassGroup.name, ClassGroup.id))
        self.class_id.choices = [("", _l("全部班级"))] + [
            (c.id, with_aside(c.name, c.campus.name) if everywhere else c.name) for c in classes]

    def valid_data(self) -> dict:
        self.validate()
        return {name: f.data for name, f in self._fields.items() if not f.errors}

    def criteria(self) -> StudentFilters:
        """The filters for queries.filtered_students, leaving out any field that did not validate."""
        ok = self.valid_data()
        return StudentFilters(status=ok.get("status"), campus_id=ok.get("campus"), class_id=ok.get("class_id"),
                              owner_id=ok.get("owner"), low_hours=bool(ok.get("low_hours")), q=ok.get("q") or "",
                              sort=ok.get("sort") if ok.get("sort") in SORTS else "newest")


class ContactFields(FlaskForm):
    """Phone and e-mail; a value the user may not read is not shown, and left blank it stays as it is."""

    hidden_values: dict

    def hide(self, record, names) -> None:
        """Blank the named fields and say what is on file, masked; values() then leaves blank ones out."""
        self.hidden_values = {}
        for name in names:
            current = getattr(record, name, None)
            if not current:
                continue
            self.hidden_values[name] = current
            masked = {"phone": mask_phone, "id_card": mask_id_card}.get(name, lambda v: "***")(current)
            self[name].description = _l("已登记：%(value)s；留空则保持不变。", value=masked)
            if not self.is_submitted():
                self[name].data = ""

    def kept(self, values: dict) -> dict:
        hidden = getattr(self, "hidden_values", {})
        return {k: v for k, v in values.items() if not (k in hidden and not v)}


class ParentForm(ContactFields):
    name = StringField(_l("家长姓名"), filters=[strip], validators=[DataRequired(), Length(max=64)])
    relationship = StringField(_l("与学员关系"), filters=[strip], validators=[Length(max=32)],
                               description=_l("如：母亲、父亲、本人"))
    phone = StringField(_l("手机号码"), filters=[strip], validators=[DataRequired(), Length(max=32), contact_phone],
                        render_kw=PHONE_INPUT)
    wechat_id = StringField(_l("微信号"), filters=[strip], validators=[Length(max=64)])
    email = StringField(_l("邮箱"), filters=[strip], validators=[Optional(), Length(max=254), EMAIL])

    def __init__(self, *args, parent=None, hidden=(), **kwargs):
        if parent is not None:
            kwargs.setdefault("relationship", parent.relationship_)
        super().__init__(*args, obj=parent, **kwargs)
        if parent is not None and hidden:
            self.hide(parent, hidden)
            self.phone.validators = [v for v in self.phone.validators if not isinstance(v, DataRequired)]
            self.phone.flags.required = False

    def values(self) -> dict:
        return self.kept({name: self[name].data for name in ("name", "relationship", "phone", "wechat_id", "email")})


class StudentForm(ContactFields):
    """Create or edit a student. Status, campus and the first parent only on creation; the owner is chosen by
    admins and managers (and academic staff creating a student); sales own what they create."""

    name = StringField(_l("学员姓名"), filters=[strip], validators=[DataRequired(), Length(max=64)])
    gender = SelectField(_l("性别"), choices=Gender.choices(), coerce=Gender, default=Gender.UNKNOWN)
    birth_date = DateField(_l("出生日期"), validators=[Optional(), birth_date])
    phone = StringField(_l("学员电话"), filters=[strip], validators=[Length(max=32), contact_phone],
                        description=_l("可不填；同一校区的学员电话不能重复"), render_kw=PHONE_INPUT)
    email = StringField(_l("邮箱"), filters=[strip], validators=[Optional(), Length(max=254), EMAIL])
    id_card = StringField(_l("身份证号码"), filters=[strip], validators=[Length(max=32)])
    address = StringField(_l("地址"), filters=[strip], validators=[Length(max=255)])
    source_id = SelectField(_l("来源渠道"), coerce=optional(int))
    status = SelectField(_l("状态"), coerce=optional(StudentStatus), default=StudentStatus.POTENTIAL,
                         choices=[(s.value, s.label) for s in CREATE_STATUSES], validators=[InputRequired()])
    campus_id = SelectField(_l("校区"), coerce=optional(int), validators=[InputRequired()])
    owner_id = SelectField(_l("负责人"), coerce=optional(int))
    tag_ids = SelectMultipleField(_l("标签"), coerce=int, widget=ListWidget(prefix_label=False),
                                  option_widget=CheckboxInput())
    notes = TextAreaField(_l("备注"), filters=[strip], validators=[Length(max=2000)])

    def __init__(self, *args, user: User, student=None, hidden=(), **kwargs):
        if student is not None:
            kwargs.setdefault("tag_ids", [t.id for t in student.tags])
        super().__init__(*args, obj=student, **kwargs)
        self.user, self.student = user, student
        self.source_id.choices = [("", _l("— 无 —"))] + [
            (s.id, s.name) for s in selectable_sources(student.source_id if student else None)]
        self.tag_ids.choices = [(t.id, t.name) for t in manual_tags()]
        self._set_placement(user, student)
        if student is not None:
            del self.status
            self.hide(student, hidden)

    def _set_placement(self, user: User, student) -> None:
        if student is not None or not is_admin(user):
            del self.campus_id
        else:
            self.campus_id.choices = [("", _l("— 请选择 —"))] + [(c.id, c.name) for c in active_campuses()]
        chooses_owner = is_office(user) or (is_academic(user) and student is None)
        if not chooses_owner:
            del self.owner_id
            return
        campus_id = student.campus_id if student else home_campus(user)
        owners = selectable_owners(campus_id, student.owner_id if student else None)
        self.owner_id.choices = [("", _l("— 暂不分配 —"))] + [(u.id, staff_label(u, campus_id is None)) for u in owners]
        self._owner_campus = {u.id: u.campus_id for u in owners}

    def validate_id_card(self, field) -> None:
        if not field.data:
            return
        if not is_valid_id_card(field.data, today=school_today()):
            raise ValidationError(_l("身份证号码无效，请核对 18 位号码（含校验位）。"))
        field.data = normalise_id_card(field.data)
        if self.birth_date.data and self.birth_date.data != birth_date_of(field.data):
            raise ValidationError(_l("身份证号码中的出生日期与所填出生日期不一致。"))

    def validate_owner_id(self, field) -> None:
        if field.data is None:
            return
        campus_id = self.student.campus_id if self.student else (
            self.campus_id.data if "campus_id" in self else self.user.campus_id)
        if self._owner_campus.get(field.data) != campus_id:
            raise ValidationError(_l("负责人必须属于学员所在校区。"))

    def values(self) -> dict:
        """The profile fields and tags, as create_student / update_student take them."""
        names = ("name", "gender", "birth_date", "phone", "email", "id_card", "address", "source_id", "notes")
        values = self.kept({name: self[name].data for name in names})
        values["tag_ids"] = self.tag_ids.data or []
        if "owner_id" in self:
            values["owner_id"] = self.owner_id.data
        return values

    def campus(self) -> int:
        return self.campus_id.data if "campus_id" in self else self.user.campus_id


class NewStudentForm(StudentForm):
    """A new student and their first parent, who becomes the primary contact."""

    parent_name = StringField(_l("家长姓名"), filters=[strip], validators=[DataRequired(), Length(max=64)])
    parent_relationship = StringField(_l("与学员关系"), filters=[strip], validators=[Length(max=32)],
                                      description=_l("如：母亲、父亲、本人"))
    parent_phone = StringField(_l("家长手机号码"), filters=[strip],
                               validators=[DataRequired(), Length(max=32), contact_phone], render_kw=PHONE_INPUT)
    parent_wechat_id = StringField(_l("家长微信号"), filters=[strip], validators=[Length(max=64)])
    parent_email = StringField(_l("家长邮箱"), filters=[strip], validators=[Optional(), Length(max=254), EMAIL])

    PARENT = ("name", "relationship", "phone", "wechat_id", "email")

    def parent(self) -> dict:
        return {name: self[f"parent_{name}"].data for name in self.PARENT}

    def parent_fields(self) -> list:
        return [self[f"parent_{name}"] for name in self.PARENT]


class TimelineForm(FlaskForm):
    """The 'older entries' link's cursor (GET, no CSRF)."""

    class Meta:
        csrf = False

    before = StringField(validators=[DataRequired(), Length(max=64)])

    def validate_before(self, field) -> None:
        if parse_cursor(field.data) is None:
            raise ValidationError(_l("无效的分页位置。"))

    def cursor(self) -> Cursor:
        return parse_cursor(self.before.data)
