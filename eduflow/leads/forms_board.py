"""Forms of the lead board and the pool: GET filters, a card move, claim, release and assignment."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import (
    BooleanField, HiddenField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp, ValidationError

from eduflow.access import is_admin, is_sales
from eduflow.forms import FlaskForm, choice_lists, optional, strip, with_aside
from eduflow.reference import tag_label
from eduflow.leads.board import assignees, owners
from eduflow.leads.queries import LeadFilters
from eduflow.models import Campus, Course, LeadStage, SourceChannel, Tag, User

POOL_OWNER = "pool"  # the owner filter's choice for leads without an owner


def _listed(model, *order, **where) -> tuple:
    """A reference table's (id, name) rows for choice_lists, in `order`."""
    return select(model.id.label("id"), model.name.label("name")).filter_by(**where), order


class LeadFilterForm(FlaskForm):
    """Search and filters shared by the board and the pool (GET, no CSRF); a bad value just does not filter.

    The board and the pool build it on every request, so its choice lists are read in one statement.
    """

    class Meta:
        csrf = False

    q = StringField(_l("搜索"), filters=[strip], validators=[Length(max=64)])
    source = SelectField(_l("来源渠道"), coerce=optional(int))
    tag = SelectField(_l("标签"), coerce=optional(int))
    course = SelectField(_l("意向课程"), coerce=optional(int))
    FIRST_CHOICES = {"source": [("", _l("全部来源"))], "tag": [("", _l("全部标签"))],
                     "course": [("", _l("全部课程"))]}

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        lists = choice_lists(**self.lists(user))
        lists["tag"] = [(tag_id, tag_label(name)) for tag_id, name in lists["tag"]]
        for name, rows in lists.items():
            self[name].choices = self.FIRST_CHOICES.get(name, []) + rows

    def lists(self, user: User) -> dict:
        """The choice lists to read, by field name."""
        return {"source": _listed(SourceChannel, SourceChannel.sort_order, SourceChannel.id),
                "tag": _listed(Tag, Tag.name, Tag.id),
                "course": _listed(Course, Course.name, Course.id, is_active=True)}

    def valid_data(self) -> dict:
        """The fields that validated (validated once); the others are left out, i.e. do not filter."""
        if not hasattr(self, "_valid"):
            self.validate()
            self._valid = {name: field.data for name, field in self._fields.items() if not field.errors}
        return self._valid

    def criteria(self) -> LeadFilters:
        ok = self.valid_data()
        return LeadFilters(q=ok.get("q") or "", source_id=ok.get("source"), tag_id=ok.get("tag"),
                           course_id=ok.get("course"))

    def url_args(self) -> dict:
        """The valid, non-empty filters, to carry into the URLs the page links to (more cards, moves)."""
        return {name: value for name, value in self.valid_data().items() if value not in (None, "", False)}


class BoardFilterForm(LeadFilterForm):
    """The board's filters; managers and admins may also filter by owner (or the pool)."""

    owner = SelectField(_l("负责人"), coerce=str, validate_choice=True)
    overdue = BooleanField(_l("只看逾期"))

    FIRST_CHOICES = {**LeadFilterForm.FIRST_CHOICES,
                     "owner": [("", _l("全部负责人")), (POOL_OWNER, _l("公海（无负责人）"))]}

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        if is_sales(user):  # a salesperson's board holds their own leads only
            del self.owner
            return
        self.owner.choices = [(str(value), label) for value, label in self.owner.choices]  # "pool" or an id

    def lists(self, user: User) -> dict:
        if is_sales(user):
            return super().lists(user)
        return {**super().lists(user), "owner": owners(user)}

    def criteria(self) -> LeadFilters:
        filters = super().criteria()
        ok = self.valid_data()
        owner = ok.get("owner") or ""
        filters.pool = owner == POOL_OWNER
        filters.owner_id = int(owner) if owner.isdigit() else None
        filters.overdue = bool(ok.get("overdue"))
        return filters


class PoolFilterForm(LeadFilterForm):
    """The pool's filters; an admin also chooses the campus."""

    campus = SelectField(_l("校区"), coerce=optional(int))

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        if not is_admin(user):
            del self.campus

    def lists(self, user: User) -> dict:
        if not is_admin(user):
            return super().lists(user)
        return {**super().lists(user), "campus": _listed(Campus, Campus.id)}


class MoveForm(FlaskForm):
    """A card dropped on a column: the target stage, the version the user saw, and a lost reason."""

    stage = StringField(_l("阶段"))
    version = IntegerField(_l("版本"), validators=[InputRequired(message=_l("缺少线索版本，请刷新页面后重试。"))])
    from_stage = HiddenField()
    reason = TextAreaField(_l("流失原因"), filters=[strip], validators=[Optional(), Length(max=255)])

    def validate_stage(self, field) -> None:
        if field.data not in {stage.value for stage in LeadStage}:
            raise ValidationError(_l("未知的线索阶段。"))

    def target(self) -> LeadStage:
        return LeadStage(self.stage.data)

    def reason_given(self) -> str | None:
        """The reason typed into the lost-reason form; None when it was not asked for yet."""
        return (self.reason.data or "") if self.reason.raw_data else None

    def missing_reason(self) -> str | None:
        """Why the lost-reason prompt is shown again: the reason was sent empty (None: asked for the first time)."""
        return str(_l("标记为已流失需要填写流失原因。")) if self.reason_given() is not None else None

    def shown_stages(self) -> set[LeadStage]:
        """The columns the user's screen had the card in and dropped it on (valid values only)."""
        values = {self.from_stage.data, self.stage.data}
        return {stage for stage in LeadStage if stage.value in values}


# A page of this site to return to (the filtered pool or lead list): a path, never another host.
RETURN_PATH = [Optional(), Length(max=1000), Regexp(r"^/(?![/\\])", message=_l("返回地址无效。"))]


class ClaimForm(FlaskForm):
    """The 领取 button: its CSRF token, and the filtered pool page to return to without htmx."""

    next = HiddenField(validators=RETURN_PATH)


class ReleaseForm(FlaskForm):
    reason = TextAreaField(_l("释放原因"), filters=[strip], validators=[DataRequired(message=_l("请填写释放原因。")),
                                                                     Length(max=255)])


class AssignForm(FlaskForm):
    """Hand the ticked leads to a salesperson of the campus."""

    lead_ids = SelectMultipleField(_l("线索"), coerce=int, validate_choice=False,
                                   validators=[DataRequired(message=_l("请至少勾选一条线索。"))])
    to_user = SelectField(_l("分配给"), coerce=optional(int), validators=[InputRequired(message=_l("请选择课程顾问。"))])
    next = HiddenField(validators=RETURN_PATH)  # the filtered lead list or pool to return to

    def __init__(self, *args, user: User, campus_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        people = assignees(user, campus_id)
        show_campus = is_admin(user) and campus_id is None
        self.to_user.choices = [("", _l("选择课程顾问"))] + [
            (person.id, with_aside(person.display_name, person.campus.name) if show_campus else person.display_name)
            for person in people]
