"""Outgoing e-mail, the one SMTP home: configured by EDUFLOW_SMTP_* (read in eduflow/config.py).

EDUFLOW_SMTP_HOST and EDUFLOW_SMTP_SENDER switch mail on; PORT (default 587), USERNAME and PASSWORD (log in when
given), STARTTLS (default on; port 465 speaks TLS from the start instead).
"""
from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage

from flask import current_app

TIMEOUT_SECONDS = 15


def mail_configured() -> bool:
    """Whether the school set up an SMTP server to send from."""
    config = current_app.config
    return bool(config.get("EDUFLOW_SMTP_HOST") and config.get("EDUFLOW_SMTP_SENDER"))


def send_mail(to: str, subject: str, body: str) -> None:
    """Send one plain-text message; raises smtplib.SMTPException / OSError when the server refuses or is away."""
    config = current_app.config
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = config["EDUFLOW_SMTP_SENDER"], to, subject
    message.set_content(body)
    host, port = config["EDUFLOW_SMTP_HOST"], int(config.get("EDUFLOW_SMTP_PORT") or 587)
    if port == 465:
        server = smtplib.SMTP_SSL(host, port, timeout=TIMEOUT_SECONDS, context=ssl.create_default_context())
    else:
        server = smtplib.SMTP(host, port, timeout=TIMEOUT_SECONDS)
    with server:
        if port != 465 and config.get("EDUFLOW_SMTP_STARTTLS", True):
            server.starttls(context=ssl.create_default_context())
        if config.get("EDUFLOW_SMTP_USERNAME"):
            server.login(config["EDUFLOW_SMTP_USERNAME"], config.get("EDUFLOW_SMTP_PASSWORD") or "")
        server.send_message(message)
