"""SMS (短信) through Aliyun SMS (Dysmsapi SendSms, RPC signature v1) or Tencent Cloud SMS (SendSms, API 3.0,
TC3-HMAC-SHA256), as their published formats say, so that a school only adds its keys.

Chinese providers send only templates they approved: a message goes as the provider's template code of its kind
(EDUFLOW_SMS_TEMPLATES="deducted=SMS_1,absent=SMS_2,…,login_code=SMS_9") and the kind's variables — by name for
Aliyun (${student}), in the order of the kind's default text for Tencent ({1}, {2} …, see
texts.ordered_variables). The sign-in code's template (login_code) has one variable, `code`.

Settings (environment): EDUFLOW_SMS_PROVIDER=aliyun|tencent, EDUFLOW_SMS_ACCESS_KEY_ID, EDUFLOW_SMS_ACCESS_KEY_SECRET,
EDUFLOW_SMS_SIGN_NAME, EDUFLOW_SMS_TEMPLATES; Tencent also EDUFLOW_SMS_APP_ID (SmsSdkAppId) and EDUFLOW_SMS_REGION
(default ap-guangzhou); EDUFLOW_SMS_ENDPOINT replaces the provider's address (the tests' local stub).

A throttled send raises NotSent (delivery tries again with growing delays); a number the provider calls invalid
raises Refused (failed at once).
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import uuid
from urllib.parse import quote, urlsplit

from eduflow.notifications.providers import NotSent, Refused, call, key_map, setting

ALIYUN, TENCENT = "aliyun", "tencent"
LOGIN_CODE = "login_code"  # the template key of the parent's one-time sign-in code
ALIYUN_ENDPOINT = "https://dysmsapi.aliyuncs.com/"
TENCENT_ENDPOINT = "https://sms.tencentcloudapi.com/"
TENCENT_VERSION = "2021-01-11"


def provider() -> str:
    return setting("EDUFLOW_SMS_PROVIDER").lower()


def sms_configured() -> bool:
    """Whether a provider, its keys and the sign name are set (Tencent also needs the SDK app id)."""
    name = provider()
    keys = setting("EDUFLOW_SMS_ACCESS_KEY_ID") and setting("EDUFLOW_SMS_ACCESS_KEY_SECRET")
    if name not in (ALIYUN, TENCENT) or not keys or not setting("EDUFLOW_SMS_SIGN_NAME"):
        return False
    return name == ALIYUN or bool(setting("EDUFLOW_SMS_APP_ID"))


def template_code(key: str) -> str:
    """The provider's template code for a kind (its value, e.g. "deducted") or LOGIN_CODE; empty when none."""
    return key_map("EDUFLOW_SMS_TEMPLATES").get(key, "")


def can_send(key: str) -> bool:
    """Whether SMS is configured and has a template for `key`."""
    return sms_configured() and bool(template_code(key))


def send_sms(phone: str, key: str, values: dict[str, str]) -> str:
    """Send template `key` with `values` (ordered) to `phone`; the provider's id of the message."""
    if not sms_configured():
        raise NotSent("SMS is not configured")
    code = template_code(key)
    if not code:
        raise NotSent(f"no SMS template is configured for {key} (EDUFLOW_SMS_TEMPLATES)")
    if not phone:
        raise Refused("the parent has no phone number")
    send = _send_aliyun if provider() == ALIYUN else _send_tencent
    return send(phone, code, {name: str(value) for name, value in values.items()})


def international(phone: str) -> str:
    """+8613812345678 for a Chinese 11-digit number; a foreign number is kept in its E.164 form."""
    return phone if phone.startswith("+") else "+86" + phone


# ---------- Aliyun ----------

def percent_encode(value: str) -> str:
    """Aliyun's percent-encoding (RFC 3986: space %20, * %2A, ~ kept)."""
    return quote(str(value), safe="~")


def aliyun_signature(params: dict, secret: str, method: str = "POST") -> str:
    """base64(HMAC-SHA1(secret + "&", METHOD&%2F&encoded canonical query)) over the sorted parameters."""
    canonical = "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in sorted(params.items()))
    to_sign = f"{method}&{percent_encode('/')}&{percent_encode(canonical)}"
    digest = hmac.new(f"{secret}&".encode(), to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def _send_aliyun(phone: str, code: str, values: dict) -> str:
    params = {
        "AccessKeyId": setting("EDUFLOW_SMS_ACCESS_KEY_ID"), "Action": "SendSms", "Format": "JSON",
        "PhoneNumbers": international(phone).removeprefix("+86").lstrip("+"), "RegionId": "cn-hangzhou",
        "SignName": setting("EDUFLOW_SMS_SIGN_NAME"), "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": uuid.uuid4().hex, "SignatureVersion": "1.0", "TemplateCode": code,
        "TemplateParam": json.dumps(values, ensure_ascii=False),
        "Timestamp": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), "Version": "2017-05-25",
    }
    params["Signature"] = aliyun_signature(params, setting("EDUFLOW_SMS_ACCESS_KEY_SECRET"))
    body = "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in params.items()).encode()
    answer = call(setting("EDUFLOW_SMS_ENDPOINT") or ALIYUN_ENDPOINT, data=body,
                  headers={"Content-Type": "application/x-www-form-urlencoded"})
    status, message = str(answer.get("Code", "")), str(answer.get("Message", ""))
    if status == "OK":
        return str(answer.get("BizId", ""))
    _refuse_or_retry("Aliyun", status, message, bad_number=status == "isv.MOBILE_NUMBER_ILLEGAL")
    return ""  # not reached


# ---------- Tencent Cloud ----------

def _sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _hmac_sha256(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode(), hashlib.sha256).digest()


def tencent_authorization(secret_id: str, secret_key: str, headers: dict, payload: bytes, timestamp: int,
                          signed: tuple[str, ...] = ("content-type", "host", "x-tc-action")) -> str:
    """The TC3-HMAC-SHA256 Authorization header of a POST to "/" with `headers` (names any case) and `payload`."""
    lower = {name.lower(): str(value).strip().lower() for name, value in headers.items()}  # names and values
    canonical_headers = "".join(f"{name}:{lower[name]}\n" for name in signed)
    signed_headers = ";".join(signed)
    canonical_request = "\n".join(["POST", "/", "", canonical_headers, signed_headers, _sha256_hex(payload)])
    date = dt.datetime.fromtimestamp(timestamp, dt.UTC).strftime("%Y-%m-%d")
    scope = f"{date}/sms/tc3_request"
    to_sign = "\n".join(["TC3-HMAC-SHA256", str(timestamp), scope, _sha256_hex(canonical_request.encode())])
    key = _hmac_sha256(_hmac_sha256(_hmac_sha256(f"TC3{secret_key}".encode(), date), "sms"), "tc3_request")
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    return (f"TC3-HMAC-SHA256 Credential={secret_id}/{scope}, SignedHeaders={signed_headers}, "
            f"Signature={signature}")


def _send_tencent(phone: str, code: str, values: dict) -> str:
    endpoint = setting("EDUFLOW_SMS_ENDPOINT") or TENCENT_ENDPOINT
    payload = json.dumps({"PhoneNumberSet": [international(phone)], "SmsSdkAppId": setting("EDUFLOW_SMS_APP_ID"),
                          "SignName": setting("EDUFLOW_SMS_SIGN_NAME"), "TemplateId": code,
                          "TemplateParamSet": list(values.values())}, ensure_ascii=False).encode()
    timestamp = int(dt.datetime.now(dt.UTC).timestamp())
    headers = {"Content-Type": "application/json; charset=utf-8", "Host": urlsplit(endpoint).netloc,
               "X-TC-Action": "SendSms", "X-TC-Version": TENCENT_VERSION, "X-TC-Timestamp": str(timestamp),
               "X-TC-Region": setting("EDUFLOW_SMS_REGION", "ap-guangzhou")}
    headers["Authorization"] = tencent_authorization(setting("EDUFLOW_SMS_ACCESS_KEY_ID"),
                                                     setting("EDUFLOW_SMS_ACCESS_KEY_SECRET"), headers, payload,
                                                     timestamp)
    answer = call(endpoint, data=payload, headers=headers).get("Response") or {}
    error = answer.get("Error")
    if error:  # the request itself was refused (signature, keys, parameters)
        _refuse_or_retry("Tencent Cloud", str(error.get("Code", "")), str(error.get("Message", "")), bad_number=False)
    statuses = answer.get("SendStatusSet") or [{}]
    status, message = str(statuses[0].get("Code", "")), str(statuses[0].get("Message", ""))
    if status == "Ok":
        return str(statuses[0].get("SerialNo", ""))
    _refuse_or_retry("Tencent Cloud", status, message, bad_number=status in (
        "InvalidParameterValue.IncorrectPhoneNumber", "FailedOperation.PhoneNumberInBlacklist"))
    return ""  # not reached


def _refuse_or_retry(provider_name: str, status: str, message: str, *, bad_number: bool) -> None:
    if bad_number:
        raise Refused(f"{provider_name} refused the phone number ({status}: {message})")
    if "LIMIT" in status.upper():
        raise NotSent(f"{provider_name} is throttling messages to this number ({status}: {message})")
    raise NotSent(f"{provider_name} did not send the message ({status or 'no answer code'}: {message})")
