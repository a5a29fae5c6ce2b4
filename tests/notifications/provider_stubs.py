"""Local stand-ins for Aliyun SMS, Tencent Cloud SMS and WeChat's API: HTTP servers on 127.0.0.1 (a random port, a
thread) that check each request as the provider does — the signature recomputed from the request received, with
the provider's documented algorithm written here independently of the app's adapters — and answer in the
provider's words (success, throttled, bad number, unsubscribed, a stale token). No real provider is ever reached.

The fixtures (`aliyun`, `tencent`, `wechat_api`) start a stub and point the app's settings at it.
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote_plus, urlsplit

import pytest

OK, THROTTLED, BAD_NUMBER = "ok", "throttled", "bad number"


class Stub:
    """An HTTP server calling `answer(method, path, query, headers, body) -> (status, JSON)` for each request."""

    def __init__(self, answer):
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self):
                parts = urlsplit(self.path)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status, reply = answer(self.command, parts.path, dict(parse_qsl(parts.query, keep_blank_values=True)),
                                       self.headers, body)
                data = json.dumps(reply, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _serve  # noqa: N815 - http.server's hook names

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        stub.refused = []  # why requests were refused (bad signature …)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@contextmanager
def _serving(app, stub: Stub, settings: dict):
    """The app configured for a stub provider while the test runs; afterwards its settings as they were, and the
    stub stopped."""
    saved = {key: app.config.get(key) for key in settings}
    app.config.update(settings)
    try:
        yield
    finally:
        app.config.update(saved)
        stub.close()


# ---------- Aliyun Dysmsapi ----------

class AliyunSms:
    """SendSms, RPC style: form parameters signed HMAC-SHA1 over "POST&%2F&" + the encoded canonical query."""

    ANSWERS = {
        THROTTLED: {"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "触发小时级流控Permits:5"},
        BAD_NUMBER: {"Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": "非法手机号"},
    }

    def __init__(self, key_id: str, secret: str):
        self.key_id, self.secret = key_id, secret
        self.sent, self.outcome, self.nonces = [], {}, set()
        self.stub = Stub(self.answer)

    @staticmethod
    def encode(value: str) -> str:
        """The documented percentEncode: URL-encode (UTF-8), then + → %20, * → %2A, %7E → ~."""
        return quote_plus(value, safe="").replace("+", "%20").replace("*", "%2A").replace("%7E", "~")

    def expected_signature(self, params: dict, secret: str) -> str:
        canonical = "&".join(f"{self.encode(k)}={self.encode(v)}" for k, v in sorted(params.items())
                             if k != "Signature")
        string_to_sign = "POST&" + self.encode("/") + "&" + self.encode(canonical)
        return base64.b64encode(hmac.new((secret + "&").encode(), string_to_sign.encode(), hashlib.sha1).digest()).decode()

    def answer(self, method, path, query, headers, body):
        params = dict(parse_qsl(body.decode(), keep_blank_values=True)) if method == "POST" else query
        request_id = "8E5B5B5A-0000-4000-8000-%012d" % len(self.sent)
        problem = self._problem(method, params)
        if problem:
            self.stub.refused.append(problem)
            return 400, {"Code": problem, "Message": problem, "RequestId": request_id}
        phone = params["PhoneNumbers"]
        outcome = self.outcome.get(phone, OK)
        if outcome != OK:
            return 200, {**self.ANSWERS[outcome], "RequestId": request_id}
        self.sent.append({"phone": phone, "sign": params["SignName"], "template": params["TemplateCode"],
                          "params": json.loads(params.get("TemplateParam") or "{}")})
        return 200, {"Code": "OK", "Message": "OK", "BizId": f"9006197469364984{len(self.sent):02d}^0",
                     "RequestId": request_id}

    def _problem(self, method, params) -> str | None:
        if method != "POST":
            return "UnsupportedHTTPMethod"
        fixed = {"Action": "SendSms", "Version": "2017-05-25", "SignatureMethod": "HMAC-SHA1",
                 "SignatureVersion": "1.0", "Format": "JSON"}
        if any(params.get(name) != value for name, value in fixed.items()):
            return "MissingParameter"
        if params.get("AccessKeyId") != self.key_id:
            return "InvalidAccessKeyId.NotFound"
        stamp = dt.datetime.strptime(params.get("Timestamp", ""), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
        if abs((dt.datetime.now(dt.UTC) - stamp).total_seconds()) > 900:
            return "InvalidTimeStamp.Expired"
        if not params.get("SignatureNonce") or params["SignatureNonce"] in self.nonces:
            return "SignatureNonceUsed"
        if not hmac.compare_digest(params.get("Signature", ""), self.expected_signature(params, self.secret)):
            return "SignatureDoesNotMatch"
        self.nonces.add(params["SignatureNonce"])
        return None


@pytest.fixture
def aliyun(app):
    """A local Aliyun SMS, and the app configured for it (templates for 课消, 缺勤 and the sign-in code)."""
    provider = AliyunSms("LTAI-test-key", "aliyun-test-secret")
    with _serving(app, provider.stub, {
        "EDUFLOW_SMS_PROVIDER": "aliyun", "EDUFLOW_SMS_ACCESS_KEY_ID": provider.key_id,
        "EDUFLOW_SMS_ACCESS_KEY_SECRET": provider.secret, "EDUFLOW_SMS_SIGN_NAME": "星火教育",
        "EDUFLOW_SMS_TEMPLATES": "deducted=SMS_100001,absent=SMS_100002,login_code=SMS_100009",
        "EDUFLOW_SMS_ENDPOINT": provider.stub.url + "/"}):
        yield provider


# ---------- Tencent Cloud SMS (API 3.0) ----------

class TencentSms:
    """SendSms 2021-01-11: a JSON body signed TC3-HMAC-SHA256 (canonical request → string to sign → derived key)."""

    ANSWERS = {
        THROTTLED: {"Code": "LimitExceeded.PhoneNumberDailyLimit", "Message": "the number of SMS messages sent "
                    "from a single mobile number every day exceeds the upper limit"},
        BAD_NUMBER: {"Code": "InvalidParameterValue.IncorrectPhoneNumber", "Message": "incorrect phone number"},
    }

    def __init__(self, secret_id: str, secret_key: str, app_id: str):
        self.secret_id, self.secret_key, self.app_id = secret_id, secret_key, app_id
        self.sent, self.outcome = [], {}
        self.stub = Stub(self.answer)

    def expected_signature(self, headers, body: bytes, signed_headers: str, date: str, timestamp: str,
                           secret_key: str) -> str:
        canonical_headers = "".join(f"{name}:{(headers.get(name) or '').strip().lower()}\n"
                                    for name in signed_headers.split(";"))
        canonical_request = "\n".join(["POST", "/", "", canonical_headers, signed_headers,
                                       hashlib.sha256(body).hexdigest()])
        string_to_sign = "\n".join(["TC3-HMAC-SHA256", timestamp, f"{date}/sms/tc3_request",
                                    hashlib.sha256(canonical_request.encode()).hexdigest()])

        def sign(key: bytes, message: str) -> bytes:
            return hmac.new(key, message.encode(), hashlib.sha256).digest()

        key = sign(sign(sign(("TC3" + secret_key).encode(), date), "sms"), "tc3_request")
        return hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()

    def answer(self, method, path, query, headers, body):
        request_id = f"a0aabda6-cf91-4f3e-a2f8-{len(self.sent):012d}"
        problem = self._problem(method, headers, body)
        if problem:
            self.stub.refused.append(problem)
            return 200, {"Response": {"Error": {"Code": problem, "Message": problem}, "RequestId": request_id}}
        payload = json.loads(body)
        if payload.get("SmsSdkAppId") != self.app_id:
            return 200, {"Response": {"Error": {"Code": "FailedOperation.SmsSdkAppIdVerifyFail", "Message": "x"},
                                      "RequestId": request_id}}
        (phone,) = payload["PhoneNumberSet"]
        outcome = self.outcome.get(phone, OK)
        status = {"PhoneNumber": phone, "Fee": 0, "SessionContext": "", "SerialNo": "", "IsoCode": "CN"}
        if outcome != OK:
            status.update(self.ANSWERS[outcome])
        else:
            self.sent.append({"phone": phone, "sign": payload["SignName"], "template": payload["TemplateId"],
                              "params": payload["TemplateParamSet"]})
            status.update({"Code": "Ok", "Message": "send success", "Fee": 1,
                           "SerialNo": f"2640:53804633{len(self.sent):02d}"})
        return 200, {"Response": {"SendStatusSet": [status], "RequestId": request_id}}

    def _problem(self, method, headers, body) -> str | None:
        if method != "POST":
            return "InvalidParameter.HTTPMethod"
        if headers.get("X-TC-Action") != "SendSms" or headers.get("X-TC-Version") != "2021-01-11" \
                or not headers.get("X-TC-Region"):
            return "InvalidAction"
        timestamp = headers.get("X-TC-Timestamp") or "0"
        if abs(time.time() - int(timestamp)) > 300:
            return "AuthFailure.SignatureExpire"
        authorization = headers.get("Authorization") or ""
        algorithm, _, rest = authorization.partition(" ")
        fields = dict(part.strip().split("=", 1) for part in rest.split(",") if "=" in part)
        credential = fields.get("Credential", "").split("/")
        if algorithm != "TC3-HMAC-SHA256" or len(credential) != 4 or credential[0] != self.secret_id:
            return "AuthFailure.SecretIdNotFound"
        date = dt.datetime.fromtimestamp(int(timestamp), dt.UTC).strftime("%Y-%m-%d")
        signed = fields.get("SignedHeaders", "")
        if credential[1:] != [date, "sms", "tc3_request"] or not {"content-type", "host"} <= set(signed.split(";")):
            return "AuthFailure.SignatureFailure"
        expected = self.expected_signature(headers, body, signed, date, timestamp, self.secret_key)
        return None if hmac.compare_digest(fields.get("Signature", ""), expected) else "AuthFailure.SignatureFailure"


@pytest.fixture
def tencent(app):
    """A local Tencent Cloud SMS, and the app configured for it."""
    provider = TencentSms("AKID-test-id", "tencent-test-key", "1400000001")
    with _serving(app, provider.stub, {
        "EDUFLOW_SMS_PROVIDER": "tencent", "EDUFLOW_SMS_ACCESS_KEY_ID": provider.secret_id,
        "EDUFLOW_SMS_ACCESS_KEY_SECRET": provider.secret_key, "EDUFLOW_SMS_APP_ID": provider.app_id,
        "EDUFLOW_SMS_SIGN_NAME": "星火教育", "EDUFLOW_SMS_TEMPLATES": "deducted=1100001,absent=1100002,login_code=1100009",
        "EDUFLOW_SMS_ENDPOINT": provider.stub.url}):
        yield provider


# ---------- WeChat Official Account ----------

class WeChatApi:
    """/cgi-bin/token (counts fetches; a fetch retires the previous token), template send, OAuth2 code exchange."""

    def __init__(self, app_id: str, secret: str):
        self.app_id, self.secret = app_id, secret
        self.token_fetches, self.valid_tokens, self.sent = 0, set(), []
        self.unfollowed, self.codes = set(), {}
        self.stub = Stub(self.answer)

    def retire_tokens(self):
        """WeChat's side: every token handed out so far is no longer valid (as after a fetch elsewhere)."""
        self.valid_tokens.clear()

    def answer(self, method, path, query, headers, body):
        if path == "/cgi-bin/token" and method == "GET":
            if query.get("grant_type") != "client_credential" or query.get("appid") != self.app_id:
                return 200, {"errcode": 40013, "errmsg": "invalid appid"}
            if query.get("secret") != self.secret:
                return 200, {"errcode": 40125, "errmsg": "invalid appsecret"}
            self.token_fetches += 1
            token = f"ACCESS_TOKEN_{self.token_fetches}"
            self.valid_tokens = {token}
            return 200, {"access_token": token, "expires_in": 7200}
        if path == "/cgi-bin/message/template/send" and method == "POST":
            if query.get("access_token") not in self.valid_tokens:
                return 200, {"errcode": 40001, "errmsg": "invalid credential, access_token is invalid or not latest"}
            message = json.loads(body)
            if message["touser"] in self.unfollowed:
                return 200, {"errcode": 43004, "errmsg": "require subscribe"}
            self.sent.append(message)
            return 200, {"errcode": 0, "errmsg": "ok", "msgid": 200228332 + len(self.sent)}
        if path == "/sns/oauth2/access_token" and method == "GET":
            if query.get("appid") != self.app_id or query.get("secret") != self.secret \
                    or query.get("grant_type") != "authorization_code" or query.get("code") not in self.codes:
                return 200, {"errcode": 40029, "errmsg": "invalid code"}
            return 200, {"access_token": "WEB_TOKEN", "expires_in": 7200, "refresh_token": "REFRESH",
                         "openid": self.codes.pop(query["code"]), "scope": "snsapi_base"}
        return 404, {"errcode": -1, "errmsg": "no such api"}


@pytest.fixture
def wechat_api(app):
    """A local WeChat API, and the app configured for it (templates for 课消 and 缺勤; the public URL)."""
    from eduflow.notifications import wechat

    api = WeChatApi("wx0123456789abcdef", "wechat-test-secret")
    with _serving(app, api.stub, {
        "EDUFLOW_WECHAT_APP_ID": api.app_id, "EDUFLOW_WECHAT_APP_SECRET": api.secret,
        "EDUFLOW_WECHAT_TEMPLATES": "deducted=TPL_DEDUCTED,absent=TPL_ABSENT",
        "EDUFLOW_WECHAT_API_BASE": api.stub.url, "EDUFLOW_WECHAT_OAUTH_BASE": api.stub.url + "/open",
        "EDUFLOW_PUBLIC_URL": "https://school.example.com"}):
        try:
            yield api
        finally:
            with app.app_context():
                wechat.forget_token()
