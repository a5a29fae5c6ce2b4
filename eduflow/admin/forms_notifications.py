"""The failed deliveries page's forms: which messages it lists, and 全部重发 of the messages it showed."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField
from wtforms.validators import InputRequired, Regexp

from eduflow.forms import FlaskForm

SHOWN_MAX = 100  # a page of the list at most (PAGE_SIZE is 25)
ID_MAX = 2**31 - 1  # the id column's range: a larger number is no message


class FailureFilterForm(FlaskForm):
    """?show=: failed for good, still being retried, or both (GET, no CSRF); a bad value shows both."""

    class Meta:
        csrf = False

    show = SelectField(_l("显示"), default="all", choices=[
        ("all", _l("全部")), ("failed", _l("发送失败")), ("retrying", _l("重试中"))])

    def which(self) -> str:
        return self.show.data if self.validate() else "all"


class RetryShownForm(FlaskForm):
    """全部重发: the ids of the failed messages the page showed (never more than a page), so a message that failed
    after the page was drawn is not retried unseen."""

    ids = HiddenField(validators=[InputRequired(), Regexp(rf"^\d{{1,10}}(,\d{{1,10}}){{0,{SHOWN_MAX - 1}}}$")])

    def chosen(self) -> list[int]:
        """The ids, each once; a number past the id column's range is no message (left out)."""
        return sorted({n for n in map(int, self.ids.data.split(",")) if 1 <= n <= ID_MAX})
