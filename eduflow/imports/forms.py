"""Forms of the import pages: upload, column mapping, commit, and the preview's row filter."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectField
from wtforms.validators import InputRequired, Optional, ValidationError

from eduflow.access import is_admin
from eduflow.forms import FlaskForm, optional
from eduflow.imports.fields import fields_for
from eduflow.reference import active_campuses
from eduflow.models import ImportAction, ImportKind


class UploadForm(FlaskForm):
    kind = SelectField(_l("导入内容"), choices=ImportKind.choices(), validators=[InputRequired()])
    campus_id = SelectField(_l("校区"), coerce=optional(int))
    file = FileField(_l("文件（.xlsx 或 .csv）"), validators=[FileRequired(_l("请选择要上传的文件。"))])

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if is_admin(user):
            self.campus_id.choices = [("", _l("请选择校区"))] + [(c.id, c.name) for c in active_campuses()]
        else:
            del self.campus_id

    def validate_campus_id(self, field):
        if field.data is None:
            raise ValidationError(_l("请选择校区。"))

    def validate_file(self, field):
        name = (field.data.filename or "").lower() if field.data else ""
        if not name.endswith((".xlsx", ".csv")):
            raise ValidationError(_l("只支持 Excel (.xlsx) 和 CSV (.csv) 文件。"))

    def target_campus(self) -> int:
        return self.campus_id.data if "campus_id" in self else self.user.campus_id


class MappingForm(FlaskForm):
    """One select per field of the import, listing the file's columns."""

    @classmethod
    def for_batch(cls, batch, formdata=None):
        columns = [("", _l("（不导入）"))] + [(str(i), name) for i, name in enumerate(batch.headers)]

        class Form(cls):
            pass

        for field in fields_for(batch.kind):
            label = f"{field.label} *" if field.required else field.label
            setattr(Form, f"col_{field.key}", SelectField(label, choices=columns, validators=[Optional()]))
        form = Form(formdata, data={f"col_{k}": str(v) for k, v in (batch.mapping or {}).items()})
        form.batch_fields = fields_for(batch.kind)
        return form

    def rows(self):
        return [(field, self[f"col_{field.key}"]) for field in self.batch_fields]

    def mapping(self) -> dict[str, int]:
        return {field.key: int(self[f"col_{field.key}"].data) for field in self.batch_fields
                if (self[f"col_{field.key}"].data or "").isdigit()}


class CommitForm(FlaskForm):
    skip_rejected = BooleanField(_l("跳过被拒绝的行，只导入其余的行"))


class RowFilterForm(FlaskForm):
    class Meta:
        csrf = False

    action = SelectField(_l("预览结果"), choices=[("", _l("全部"))] + ImportAction.choices(), validators=[Optional()])
