"""What the outside providers (SMS, WeChat) share: their settings from the environment, JSON over HTTP, the two ways
a send fails (`NotSent`: try again later; `Refused`: never will, fail at once) and a kind's variables in order.

Settings are read from the app's config first (a test sets them there), else from the process environment, so a
school only exports its keys (README, "Notifications").
"""
from __future__ import annotations

import json
import os
import urllib.error
import urllib.request

from flask import current_app, has_app_context

TIMEOUT_SECONDS = 10


class NotSent(Exception):
    """The channel could not send now (its reason is kept on the message); delivery tries again later."""


class Refused(NotSent):
    """The provider refused the message for good (a bad number, an unsubscribed user): failed at once."""


def setting(name: str, default: str = "") -> str:
    """EDUFLOW_* setting `name`: the app's config, else the environment, else `default`."""
    value = current_app.config.get(name) if has_app_context() else None
    if value is None or value == "":
        value = os.environ.get(name, "")
    return str(value).strip() if value not in (None, "") else default


def key_map(name: str) -> dict[str, str]:
    """A "key=value,key=value" setting (per-kind template codes, WeChat fields) as a dict; blanks are left out."""
    pairs = (item.split("=", 1) for item in setting(name).split(",") if "=" in item)
    return {key.strip(): value.strip() for key, value in pairs if key.strip() and value.strip()}


def public_url(link: str) -> str:
    """The app's `link` made absolute with EDUFLOW_PUBLIC_URL (empty when it is not set or there is no link)."""
    base = setting("EDUFLOW_PUBLIC_URL").rstrip("/")
    if not link or not base:
        return ""
    return link if "://" in link else f"{base}/{link.lstrip('/')}"


def call(url: str, *, data: bytes | None = None, headers: dict | None = None) -> dict:
    """One HTTP request to a provider (POST when `data` is given), its JSON answer; a provider that is away or
    answers no JSON raises NotSent (tried again later). Providers answer their own errors with 200 or 4xx and JSON,
    so a 4xx body is read like a 200's."""
    request = urllib.request.Request(url, data=data, headers=headers or {}, method="POST" if data is not None else "GET")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 - https / test stub
            body = response.read()
    except urllib.error.HTTPError as error:
        body = error.read()
        if error.code >= 500 or not body:
            raise NotSent(f"the provider answered HTTP {error.code}") from error
    except (urllib.error.URLError, OSError) as error:
        raise NotSent(f"the provider could not be reached: {getattr(error, 'reason', error)}") from error
    try:
        answer = json.loads(body)
    except ValueError as error:
        raise NotSent("the provider's answer is not JSON") from error
    if not isinstance(answer, dict):
        raise NotSent("the provider's answer is not a JSON object")
    return answer


def spoken_values(kind, params: dict, locale: str) -> dict[str, str]:
    """The kind's variables as the reader reads them (enum labels and system texts in `locale`), in the order of the
    kind's default text: the order of a provider template's positional parameters (Tencent's {1}, {2} …; WeChat's
    keyword1, keyword2 …)."""
    from flask_babel import force_locale

    from eduflow.notifications.texts import say, ordered_variables

    with force_locale(locale or "zh_CN"):
        return {name: say(params[name]) for name in ordered_variables(kind) if params.get(name) is not None}
