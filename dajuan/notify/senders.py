"""Senders: one per channel, each `send(message, preference)` returning nothing or raising
DeliveryFailed with a reason that is stored on the attempt. The outside world (SMTP, the Enterprise
WeChat webhook, an SMS gateway) is reached only here, so tests replace it at this adapter and nowhere
else (STYLE §6.12)."""

import json
import logging
import urllib.error
import urllib.request

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from dajuan.notify.choices import Channel

logger = logging.getLogger("dajuan.notify")


class DeliveryFailed(Exception):
    """The channel did not take the message; the text says why (kept on the Attempt)."""


def send_console(message, preference) -> None:
    """The default channel: a line in the system log (the operator's console)."""
    logger.info("notify %s → %s: %s | %s", message.key, message.recipient.username, message.subject, message.body)


def send_email(message, preference) -> None:
    address = message.recipient.email
    if not address:
        raise DeliveryFailed("no email address on the account")
    try:
        send_mail(message.subject, message.body, None, [address], fail_silently=False)
    except Exception as error:  # SMTP errors come in many classes; all are a failed try
        raise DeliveryFailed(f"email: {error}") from error


def send_wecom(message, preference) -> None:
    """企业微信群机器人: POST a text message to the group's webhook, mentioning the person's mobile."""
    url = preference.wecom_webhook if preference else ""
    if not url:
        raise DeliveryFailed("no Enterprise WeChat webhook in the preference")
    text = {"content": f"{message.subject}\n{message.body}"}
    if message.recipient.phone:
        text["mentioned_mobile_list"] = [message.recipient.phone]
    body = json.dumps({"msgtype": "text", "text": text}, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json; charset=utf-8"})
    timeout = getattr(settings, "DAJUAN_NOTIFY_HTTP_TIMEOUT", 10)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            answer = json.loads(response.read().decode("utf-8") or "{}")
    except (urllib.error.URLError, TimeoutError, ValueError) as error:
        raise DeliveryFailed(f"wecom: {error}") from error
    if answer.get("errcode", 0) != 0:
        raise DeliveryFailed(f"wecom: errcode {answer.get('errcode')} {answer.get('errmsg', '')}")


class SmsGateway:
    """The SMS gateway interface: `send(phone, text)` raises DeliveryFailed when the gateway refuses.
    A deployment names its gateway class in DAJUAN_SMS_BACKEND."""

    def send(self, phone: str, text: str) -> None:
        raise NotImplementedError


class LoggingSmsGateway(SmsGateway):
    """The default gateway: writes the text message to the log instead of sending it."""

    def send(self, phone: str, text: str) -> None:
        logger.info("sms to %s: %s", phone, text)


def sms_gateway() -> SmsGateway:
    return import_string(getattr(settings, "DAJUAN_SMS_BACKEND", "dajuan.notify.senders.LoggingSmsGateway"))()


def send_sms(message, preference) -> None:
    phone = message.recipient.phone
    if not phone:
        raise DeliveryFailed("no mobile phone number on the account")
    sms_gateway().send(phone, f"{message.subject}：{message.body}"[:300])


SENDERS = {
    Channel.CONSOLE: send_console,
    Channel.EMAIL: send_email,
    Channel.WECOM: send_wecom,
    Channel.SMS: send_sms,
}
