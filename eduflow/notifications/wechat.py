"""WeChat Official Account (微信公众号) template messages, and the parent's openid found through OAuth2 (snsapi_base).

Settings (environment): EDUFLOW_WECHAT_APP_ID, EDUFLOW_WECHAT_APP_SECRET, EDUFLOW_WECHAT_TEMPLATES
("deducted=<template id>,absent=…": the account's template per kind), EDUFLOW_PUBLIC_URL (a message's link made
absolute; without it the message has none), EDUFLOW_WECHAT_API_BASE (default https://api.weixin.qq.com) and
EDUFLOW_WECHAT_OAUTH_BASE (default https://open.weixin.qq.com), replaced by the tests' local stub.

A message's `data`: by default the classic layout, first = the subject, keyword1 … keywordN = the kind's variables
in the order of its default text (texts.ordered_variables), remark = the whole text. A template of the newer
layout (thing1, time2 …) names its fields per kind: EDUFLOW_WECHAT_FIELDS_DEDUCTED="thing1=student,time2=lesson,
number3=units,number4=balance" (a variable's name, or `subject` / `body`); thing values are cut to 20 characters,
as WeChat requires.

The access token is fetched once and kept until five minutes before it expires (`expires_in`): in Redis when
EDUFLOW_REDIS_URL is set, so every worker and app server shares one token (WeChat allows only a few fetches a day,
and a new fetch retires the old token); otherwise in this process, which is then the single worker of a one-machine
install. A send answered 40001 / 42001 (token invalid / expired) fetches a new token once and sends again.
"""
from __future__ import annotations

import json
import threading
import time
from urllib.parse import quote, urlencode

from eduflow.notifications.providers import NotSent, Refused, call, key_map, public_url, setting, spoken_values

API_BASE = "https://api.weixin.qq.com"
OAUTH_BASE = "https://open.weixin.qq.com"
TOKEN_MARGIN_SECONDS = 300  # a token is fetched again this long before WeChat retires it
STALE_TOKEN = frozenset({40001, 40014, 42001})  # invalid, malformed, expired access token
GONE = {43004: "the parent no longer follows the Official Account", 40003: "the openid is unknown to this account"}
FIELD_LIMITS = {"thing": 20, "character_string": 32, "phrase": 5, "name": 20}

_local: dict[str, tuple[str, float]] = {}  # app id → (token, expires at): the single worker's cache
_lock = threading.Lock()
_redis_clients: dict = {}


def wechat_configured() -> bool:
    return bool(setting("EDUFLOW_WECHAT_APP_ID") and setting("EDUFLOW_WECHAT_APP_SECRET"))


def template_id(kind_value: str) -> str:
    return key_map("EDUFLOW_WECHAT_TEMPLATES").get(kind_value, "")


def can_send(kind_value: str) -> bool:
    """Whether WeChat is configured and has a template for the kind."""
    return wechat_configured() and bool(template_id(kind_value))


def in_wechat(user_agent: str | None) -> bool:
    """Whether a request comes from WeChat's built-in browser."""
    return "micromessenger" in (user_agent or "").lower()


def _api(path: str) -> str:
    return (setting("EDUFLOW_WECHAT_API_BASE") or API_BASE).rstrip("/") + path


# ---------- the access token ----------

def _redis():
    url = setting("EDUFLOW_REDIS_URL")
    if not url:
        return None
    if url not in _redis_clients:
        import redis

        _redis_clients[url] = redis.Redis.from_url(url, socket_timeout=5)
    return _redis_clients[url]


def _cache_key() -> str:
    return f"eduflow:wechat:token:{setting('EDUFLOW_WECHAT_APP_ID')}:{setting('EDUFLOW_WECHAT_API_BASE')}"


def access_token() -> str:
    """The account's access token: the cached one while it is fresh, else a new one (then cached)."""
    key, shared = _cache_key(), _redis()
    if shared is not None:
        cached = shared.get(key)
        if cached:
            return cached.decode()
    else:
        with _lock:
            token, expires_at = _local.get(key, ("", 0.0))
        if token and expires_at > time.monotonic():
            return token
    token, expires_in = _fetch_token()
    keep = max(int(expires_in) - TOKEN_MARGIN_SECONDS, 60)
    if shared is not None:
        shared.set(key, token, ex=keep)
    else:
        with _lock:
            _local[key] = (token, time.monotonic() + keep)
    return token


def forget_token() -> None:
    """Drop the cached token (WeChat said it is no longer valid)."""
    key, shared = _cache_key(), _redis()
    if shared is not None:
        shared.delete(key)
    with _lock:
        _local.pop(key, None)


def _fetch_token() -> tuple[str, int]:
    query = urlencode({"grant_type": "client_credential", "appid": setting("EDUFLOW_WECHAT_APP_ID"),
                       "secret": setting("EDUFLOW_WECHAT_APP_SECRET")})
    answer = call(_api(f"/cgi-bin/token?{query}"))
    if not answer.get("access_token"):
        raise NotSent(f"WeChat gave no access token ({answer.get('errcode')}: {answer.get('errmsg', '')})")
    return str(answer["access_token"]), int(answer.get("expires_in") or 7200)


# ---------- template messages ----------

def template_data(kind, params: dict, locale: str, subject: str, body: str) -> dict:
    """The template's `data`: the kind's configured fields, else first / keyword1… / remark (module docstring)."""
    values = spoken_values(kind, params, locale)
    fields = key_map(f"EDUFLOW_WECHAT_FIELDS_{kind.value.upper()}")
    if fields:
        known = {**values, "subject": subject, "body": body}
        return {field: {"value": _fit(field, known.get(name, ""))} for field, name in fields.items()}
    data = {"first": {"value": subject}}
    data.update({f"keyword{n}": {"value": value} for n, value in enumerate(values.values(), start=1)})
    data["remark"] = {"value": body}
    return data


def _fit(field: str, value: str) -> str:
    limit = FIELD_LIMITS.get(field.rstrip("0123456789"))
    return value if limit is None or len(value) <= limit else value[:limit - 1] + "…"


def send_template(openid: str, kind, data: dict, link: str = "") -> str:
    """Send the kind's template message to `openid`; WeChat's msgid. An unfollowed account fails at once."""
    if not wechat_configured():
        raise NotSent("WeChat is not configured")
    template = template_id(kind.value)
    if not template:
        raise NotSent(f"no WeChat template is configured for {kind.value} (EDUFLOW_WECHAT_TEMPLATES)")
    if not openid:
        raise Refused("the parent has not opened the parent portal from WeChat (no openid)")
    message = {"touser": openid, "template_id": template, "data": data}
    if public_url(link):
        message["url"] = public_url(link)
    payload = json.dumps(message, ensure_ascii=False).encode()
    for retry in (False, True):
        answer = call(_api(f"/cgi-bin/message/template/send?access_token={quote(access_token())}"), data=payload,
                      headers={"Content-Type": "application/json; charset=utf-8"})
        code = int(answer.get("errcode") or 0)
        if code not in STALE_TOKEN or retry:
            break
        forget_token()
    if code == 0:
        return str(answer.get("msgid", ""))
    if code in GONE:
        raise Refused(f"WeChat refused the message: {GONE[code]} ({code})")
    raise NotSent(f"WeChat did not send the message ({code}: {answer.get('errmsg', '')})")


# ---------- the openid (OAuth2, snsapi_base: no prompt for the parent) ----------

def authorize_url(redirect_uri: str, state: str) -> str:
    """Where WeChat's browser goes to come back to `redirect_uri` with a code (parameters in WeChat's order)."""
    base = (setting("EDUFLOW_WECHAT_OAUTH_BASE") or OAUTH_BASE).rstrip("/")
    return (f"{base}/connect/oauth2/authorize?appid={quote(setting('EDUFLOW_WECHAT_APP_ID'), safe='')}"
            f"&redirect_uri={quote(redirect_uri, safe='')}&response_type=code&scope=snsapi_base"
            f"&state={quote(state, safe='')}#wechat_redirect")


def openid_for_code(code: str) -> str:
    """The openid WeChat's OAuth2 code stands for; NotSent when WeChat refuses the code."""
    query = urlencode({"appid": setting("EDUFLOW_WECHAT_APP_ID"), "secret": setting("EDUFLOW_WECHAT_APP_SECRET"),
                       "code": code, "grant_type": "authorization_code"})
    answer = call(_api(f"/sns/oauth2/access_token?{query}"))
    openid = str(answer.get("openid") or "")
    if not openid or len(openid) > 64:
        raise NotSent(f"WeChat gave no openid ({answer.get('errcode')}: {answer.get('errmsg', '')})")
    return openid
