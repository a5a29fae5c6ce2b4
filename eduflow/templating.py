"""Template filters and globals, and the context every render gets (the per-render `_`, the language form)."""
from __future__ import annotations

from flask import current_app, url_for
from flask_babel import format_date, format_datetime, get_translations
from flask_babel.speaklater import LazyString
from markupsafe import Markup
from pytz import utc

from eduflow import system_texts
from eduflow.auth.forms import LanguageForm
from eduflow.reference import tag_label
from eduflow.security.emails import mask_email
from eduflow.security.phones import mask_phone


def local_datetime(value, fmt: str = "yyyy-MM-dd HH:mm") -> str:
    """Naive UTC from the database, shown in the school's time zone."""
    if value is None:
        return ""
    return format_datetime(utc.localize(value), fmt)


def as_text(value):
    """What `{{ … }}` prints: messages are text. Flask-Babel's lazy strings claim to be HTML (`__html__`), so a
    message carrying user input (`_l("名称“%(name)s”已存在。", name=…)`) would print unescaped; as plain str
    autoescaping applies to them like to every other string. Markup lives in templates."""
    return str(value) if isinstance(value, LazyString) else value


def template_gettext():
    """`_()` for one render, bound to the catalogue of the request's language.

    Jinja's own `_` looks the catalogue up on every call (Flask-Babel finds the request, its locale and
    the cache each time) and, as a context function, copies the template's whole context whenever it is
    called inside a loop that sets a variable: on a board of 120 cards or a week of 460 lessons that was
    a third of the page's time. Same result as Jinja's newstyle gettext under autoescape (every template
    is HTML): the message is markup, its %(variables)s are escaped."""
    translations = get_translations()

    def gettext(string, **variables):
        return Markup(translations.ugettext(string)) % variables

    return gettext


def template_labels():
    """`enum_label(member)`: an enum member's label (`member.label`), looked up once per render.

    A label is a lazy message: each `.label` asks Flask-Babel for the request, its locale and the catalogue
    again (~10 µs). A board repeats six stages and three stickiness levels on 72 cards and in its menus, so it
    asked 95 times a page; the first lookup of each member now answers the rest of the render."""
    found = {}

    def label(member):
        text = found.get(member)
        if text is None:
            text = found[member] = member.label
        return text

    return label


# An id no row has (the id converters accept it), marking where a row's own id goes in a URL pattern.
_ID_MARK = 1_987_654_321


def url_pattern(endpoint: str, key: str, **values):
    """`url_for` once for a list of rows whose links differ only in the id `key`: a function from an id to the URL.
    A board's 120 cards or a campus week's 460 lessons each link twice; building every link through the URL map
    was a tenth of the page's time."""
    path, mark, query = url_for(endpoint, **{key: _ID_MARK}, **values).partition("?")
    head, found, tail = path.partition(str(_ID_MARK))
    if not found:
        raise ValueError(f"{endpoint} has no {key} in its path")
    rest = tail + mark + query
    return lambda ident: f"{head}{int(ident)}{rest}"


def init_app(app) -> None:
    app.jinja_env.finalize = as_text  # before any template is compiled: finalize is built into the code
    app.jinja_env.filters["mask_phone"] = mask_phone
    app.jinja_env.filters["mask_email"] = mask_email
    app.jinja_env.filters["localtime"] = local_datetime
    app.jinja_env.filters["date"] = lambda value: format_date(value, "yyyy-MM-dd") if value else ""
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.globals["url_pattern"] = url_pattern
    app.jinja_env.filters["tag_label"] = tag_label
    system_texts.init_app(app)  # `system_text`: stored system sentences in the reader's language

    @app.context_processor
    def _layout_context():
        return {
            "_": template_gettext(),
            "enum_label": template_labels(),
            "language_form": LanguageForm(formdata=None, locale=_current_locale()),
            "languages": current_app.config["LANGUAGES"],
        }


def _current_locale() -> str:
    from flask_babel import get_locale

    locale = get_locale()
    return "en" if locale and locale.language == "en" else "zh_CN"
