"""通知模板: admins read every kind's text in each language and channel, edit one with a live preview against a
real record, and reset it to the default (eduflow.notifications.templates_admin)."""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from eduflow.access import ADMINS, role_required
from eduflow.admin import bp
from eduflow.admin.forms_notification_templates import NotificationTextForm, ResetTextForm
from eduflow.models import NotificationChannel as Channel
from eduflow.notifications.templates_admin import (
    STALE, TextKey, default_of, overview, preview, reset_text, save_text, sms_sign, text_state,
)
from eduflow.notifications.texts import DEFAULTS, LOCALES, SMS_PART, SMS_SINGLE, TEXT_CHANNELS, ordered_variables
from eduflow.web import me, render, submit

CHANNEL_LABELS = {Channel.INBOX: _l("站内消息（也用于邮件和微信）"), Channel.SMS: _l("短信")}
# the words of each part are the converter's, so an address naming no text is a 404 before any role check
TEXT_URL = "/notification-templates/<any({}):kind>/<any({}):channel>/<any({}):locale>".format(
    *(", ".join(words) for words in ([kind.value for kind in DEFAULTS], [c.value for c in TEXT_CHANNELS], LOCALES)))


def _key(kind: str, channel: str, locale: str) -> TextKey:
    return TextKey.parse(kind, channel, locale) or abort(404)


# A text's language, named in the reader's (the language menu names each in its own).
LANGUAGE_NAMES = {"zh_CN": _l("中文"), "en": _l("英文")}


def text_lang(locale: str) -> str:
    """The HTML lang of a text written in `locale`: a Chinese text on an English page is marked as Chinese."""
    return "zh-CN" if locale == "zh_CN" else "en"


def _described(key: TextKey) -> str:
    """课消通知 · 中文 · 短信"""
    return " · ".join([key.kind.label, str(LANGUAGE_NAMES[key.locale]), str(CHANNEL_LABELS[key.channel])])


@bp.route("/notification-templates")
@role_required(*ADMINS)
def notification_templates():
    """通知模板: every kind × language × channel, default or edited."""
    return render("admin/notification_templates/list.html", rows=overview(), channel_labels=CHANNEL_LABELS,
                  languages=LANGUAGE_NAMES, text_lang=text_lang)


@bp.route(TEXT_URL, methods=["GET", "POST"])
@role_required(*ADMINS)
def notification_templates_edit(kind: str, channel: str, locale: str):
    """Edit one text; saved only on the version loaded (else 409) and only when every placeholder is known."""
    key = _key(kind, channel, locale)
    state = text_state(key)
    form = NotificationTextForm(key=key, **({} if request.method == "POST" else {"data": {
        "subject": state.subject, "body": state.body, "version": state.version}}))
    if request.method == "POST":
        done = submit(form, lambda: save_text(key, *form.texts(), form.version.data or "", by=me()), stale=_(STALE))
        if done:
            flash(_("已保存“%(text)s”。", text=_described(key)), "success")
            return redirect(url_for("admin.notification_templates"))
        return _edit_page(key, form, status=done.status)
    return _edit_page(key, form)


@bp.route(TEXT_URL + "/preview", methods=["POST"])
@role_required(*ADMINS)
def notification_templates_preview(kind: str, channel: str, locale: str):
    """The draft as the parent will read it (htmx, while the admin types)."""
    key = _key(kind, channel, locale)
    form = NotificationTextForm(key=key)
    return render("admin/notification_templates/_preview.html", key=key, preview=preview(key, *form.texts()),
                  text_lang=text_lang(key.locale), **_sms_context())


@bp.route(TEXT_URL + "/reset", methods=["POST"])
@role_required(*ADMINS)
def notification_templates_reset(kind: str, channel: str, locale: str):
    """恢复默认: delete the admins' text, on the version loaded (else 409)."""
    key = _key(kind, channel, locale)
    reset_form = ResetTextForm()
    done = submit(reset_form, lambda: reset_text(key, reset_form.version.data or ""), stale=_(STALE))
    if done:
        flash(_("“%(text)s”已恢复默认。", text=_described(key)), "success")
        return redirect(url_for("admin.notification_templates_edit", kind=kind, channel=channel, locale=locale))
    state = text_state(key)
    form = NotificationTextForm(key=key, formdata=None, data={"subject": state.subject, "body": state.body,
                                                              "version": state.version})
    form.form_errors.extend(reset_form.form_errors)
    return _edit_page(key, form, status=done.status)


def _edit_page(key: TextKey, form: NotificationTextForm, status: int = 200):
    state = text_state(key)
    subject, body = form.texts()
    for text_field in (form.subject, form.body):
        if text_field is not None:
            text_field.render_kw = {**(text_field.render_kw or {}), "lang": text_lang(key.locale)}
    return render("admin/notification_templates/edit.html", status=status, key=key, form=form, state=state,
                  title=_described(key), channel_labels=CHANNEL_LABELS, text_lang=text_lang(key.locale), variables=ordered_variables(key.kind),
                  default=default_of(key), reset_form=ResetTextForm(formdata=None, version=state.version),
                  preview=preview(key, subject, body), **_sms_context())


def _sms_context() -> dict:
    sign, configured = sms_sign()
    return {"sms_single": SMS_SINGLE, "sms_part": SMS_PART, "sms_sign_configured": configured, "sms_sign": sign}
