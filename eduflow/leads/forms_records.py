"""Lead record forms: the list's filters (GET), the create/edit form, and the delete/restore buttons."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField, DateField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, HiddenInput, ListWidget

from eduflow.access import home_campus, is_admin, is_manager, is_sales
from eduflow.forms import EMAIL, PHONE_INPUT, FlaskForm, birth_date, contact_phone, optional, staff_label, strip
from eduflow.i18n import school_today
from eduflow.extensions import db
from eduflow.leads.queries import SORTS, LeadFilters
from eduflow.leads.records import assignable_owners, selectable_courses
from eduflow.leads.referrers import ReferrerOptions, referrer_options
from eduflow.reference import active_campuses, manual_tags, selectable_sources, tag_label
from eduflow.models import Course, CustomerLevel, Gender, Lead, LeadStage, SourceChannel, Tag, User

POOL = "pool"
SORT_LABELS = {"next": _l("按下次跟进"), "newest": _l("最新录入"), "last_followup": _l("最近跟进"), "name": _l("按姓名")}


def _everything(model, order) -> list:
    return list(db.session.scalars(db.select(model).order_by(order, model.id)))


class LeadFilterForm(FlaskForm):
    """The lead list's filters (GET, no CSRF); a value that does not validate simply does not filter."""

    class Meta:
        csrf = False

    q = StringField(_l("搜索"), filters=[strip], validators=[Length(max=64)])
    owner = SelectField(_l("负责人"), coerce=str)
    stage = SelectField(_l("阶段"), coerce=optional(LeadStage), choices=[("", _l("全部阶段"))] + LeadStage.choices())
    source = SelectField(_l("来源"), coerce=optional(int))
    tag = SelectField(_l("标签"), coerce=optional(int))
    course = SelectField(_l("意向课程"), coerce=optional(int))
    overdue = BooleanField(_l("已逾期"))
    dormant = BooleanField(_l("休眠"))
    sort = SelectField(_l("排序"), choices=list(SORT_LABELS.items()), default="next")

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        if is_sales(user):
            del self.owner  # a salesperson sees only their own leads
        else:
            owners = assignable_owners(home_campus(user))
            self.owner.choices = [("", _l("全部负责人")), (POOL, _l("公海"))] + [
                (str(u.id), staff_label(u, is_admin(user))) for u in owners]
        self.source.choices = [("", _l("全部来源"))] + [
            (s.id, s.name) for s in _everything(SourceChannel, SourceChannel.sort_order)]
        self.tag.choices = [("", _l("全部标签"))] + [(t.id, tag_label(t.name)) for t in _everything(Tag, Tag.name)]
        self.course.choices = [("", _l("全部课程"))] + [(c.id, c.name) for c in _everything(Course, Course.name)]

    def criteria(self) -> LeadFilters:
        """The filters for queries.filtered_leads, leaving out any field that did not validate."""
        self.validate()
        ok = {name: f.data for name, f in self._fields.items() if not f.errors}
        owner = ok.get("owner") or ""
        return LeadFilters(
            owner_id=int(owner) if owner.isdigit() else None, pool=owner == POOL, stage=ok.get("stage"),
            source_id=ok.get("source"), tag_id=ok.get("tag"), course_id=ok.get("course"),
            overdue=bool(ok.get("overdue")), dormant=bool(ok.get("dormant")), q=ok.get("q") or "",
            sort=ok.get("sort") if ok.get("sort") in SORTS else "next")


class ReferrerSearchForm(FlaskForm):
    """The referrer picker's request as the user types (GET, no CSRF): the text, the lead (when editing) or the
    campus chosen for a new lead, and the student chosen so far; a value that does not validate is left out."""

    class Meta:
        csrf = False

    referrer_q = StringField(filters=[strip], validators=[Length(max=64)])
    referrer_student_id = IntegerField(validators=[Optional()])
    campus_id = IntegerField(validators=[Optional()])
    lead_id = IntegerField(validators=[Optional()])

    def valid(self, name: str):
        self.validate()
        return None if self[name].errors else self[name].data


class LeadForm(FlaskForm):
    """Create or edit a lead. The stage is not here (the board and the lead page move it); owner and campus
    are chosen on creation only, by the roles that may choose them."""

    name = StringField(_l("学员姓名"), filters=[strip], validators=[DataRequired(), Length(max=64)])
    gender = SelectField(_l("性别"), choices=Gender.choices(), coerce=Gender, default=Gender.UNKNOWN)
    birth_date = DateField(_l("出生日期"), validators=[Optional(), birth_date])
    contact_name = StringField(_l("联系人"), filters=[strip], validators=[Length(max=64)])
    contact_relation = StringField(_l("与学员关系"), filters=[strip], validators=[Length(max=32)],
                                   description=_l("如：母亲、父亲、本人"))
    phone = StringField(_l("联系电话"), filters=[strip], validators=[DataRequired(), Length(max=32), contact_phone],
                        description=_l("手机号码，或带区号的固定电话"), render_kw=PHONE_INPUT)
    wechat_id = StringField(_l("微信号"), filters=[strip], validators=[Length(max=64)])
    email = StringField(_l("邮箱"), filters=[strip], validators=[Optional(), Length(max=254), EMAIL])
    campus_id = SelectField(_l("校区"), coerce=optional(int), validators=[InputRequired()])
    owner_id = SelectField(_l("负责人"), coerce=optional(int))
    source_id = SelectField(_l("来源渠道"), coerce=optional(int), validators=[DataRequired()])
    referrer_student_id = SelectField(_l("推荐学员"), coerce=optional(int), validate_choice=False,
                                      description=_l("来源为转介绍时必填"))
    referrer_q = StringField(_l("查找推荐学员"), filters=[strip], validators=[Length(max=64)],
                             description=_l("来源为转介绍时必填：输入姓名、拼音或手机尾号，再从结果中选一位。"))
    consult_date = DateField(_l("咨询日期"), default=school_today, validators=[Optional()])
    level = SelectField(_l("客户等级"), choices=CustomerLevel.choices(), coerce=CustomerLevel,
                        default=CustomerLevel.POTENTIAL)
    course_ids = SelectMultipleField(_l("意向课程"), coerce=int, widget=ListWidget(prefix_label=False),
                                     option_widget=CheckboxInput())
    tag_ids = SelectMultipleField(_l("标签"), coerce=int, widget=ListWidget(prefix_label=False),
                                  option_widget=CheckboxInput())
    is_valid = BooleanField(_l("有效线索"), default=True)
    notes = TextAreaField(_l("备注"), filters=[strip], validators=[Length(max=2000)])
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])

    def __init__(self, *args, user: User, lead: Lead | None = None, **kwargs):
        if lead is not None:
            kwargs.setdefault("course_ids", [c.id for c in lead.courses])
            kwargs.setdefault("tag_ids", [t.id for t in lead.tags])
        super().__init__(*args, obj=lead, **kwargs)
        self.user, self.lead = user, lead
        self._sources = {s.id: s for s in selectable_sources(lead.source_id if lead else None)}
        self._set_choices()
        if lead is not None:
            del self.campus_id, self.owner_id  # moving a lead goes through the pool and reassignment
        else:
            del self.version
            self._set_placement_choices()

    def _set_choices(self) -> None:
        lead = self.lead
        self.source_id.choices = [("", _l("— 请选择 —"))] + [(s.id, s.name) for s in self._sources.values()]
        self.referrer_student_id.choices = []  # drawn as the picker's radio buttons (leads/_referrer_options.html)
        self.referrer_options = self._referrers()
        wanted = [c.id for c in lead.courses] if lead else []
        self.course_ids.choices = [(c.id, c.name) for c in selectable_courses(wanted)]
        self.tag_ids.choices = [(t.id, t.name) for t in manual_tags()]

    def _set_placement_choices(self) -> None:
        if is_sales(self.user):
            del self.campus_id, self.owner_id  # their own lead, on their campus
            return
        if is_manager(self.user):
            del self.campus_id
        else:
            self.campus_id.choices = [("", _l("— 请选择 —"))] + [(c.id, c.name) for c in active_campuses()]
        owners = assignable_owners(home_campus(self.user))
        self.owner_id.choices = [("", _l("公海（暂不分配）"))] + [(u.id, staff_label(u, is_admin(self.user))) for u in owners]
        self._owner_campus = {u.id: u.campus_id for u in owners}

    def referrer_campus(self) -> int | None:
        """The campus the referrer must belong to: the lead's, the one chosen for a new lead, else the user's."""
        if self.lead is not None:
            return self.lead.campus_id
        chosen = self.campus_id.data if "campus_id" in self else None
        return chosen or self.user.campus_id

    def _referrers(self) -> ReferrerOptions:
        return referrer_options(self.user, campus_id=self.referrer_campus(), q=self.referrer_q.data or "",
                                chosen_id=self.referrer_student_id.data, lead=self.lead)

    def validate_referrer_q(self, field) -> None:
        """Without a choice (no script, or Enter pressed), the typed text names the referrer if one student
        matches; several are listed beside the field to choose from."""
        source = self._sources.get(self.source_id.data)
        if not field.data or self.referrer_student_id.data is not None or not (source and source.is_referral):
            return
        options = self.referrer_options
        if len(options.matches) == 1:
            self.referrer_student_id.data = options.matches[0].id
            self.referrer_options = self._referrers()
        elif not options.matches:
            raise ValidationError(_l("没有找到与“%(q)s”相符的学员。", q=field.data))
        else:
            raise ValidationError(_l("有多位学员与“%(q)s”相符，请选择一位。", q=field.data))

    def validate_consult_date(self, field) -> None:
        if field.data and field.data > school_today():
            raise ValidationError(_l("咨询日期不能晚于今天。"))

    def validate_owner_id(self, field) -> None:
        chosen_campus = self.campus_id.data if "campus_id" in self else self.user.campus_id
        if field.data is not None and self._owner_campus.get(field.data) != chosen_campus:
            raise ValidationError(_l("负责人必须属于所选校区。"))

    def values(self) -> dict:
        """What records.create_lead / update_lead take."""
        placement = {"campus_id", "owner_id", "version", "csrf_token", "referrer_q"}
        return {name: f.data for name, f in self._fields.items() if name not in placement}

    def placement(self) -> dict:
        """Campus and owner as chosen on creation (absent for roles that do not choose them)."""
        return {name: self[name].data for name in ("campus_id", "owner_id") if name in self}
