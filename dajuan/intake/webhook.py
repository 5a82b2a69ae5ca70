"""政企直通车 group-message webhook: an enterprise-WeChat-style group bot forwards messages here.

    POST /report/webhook/groups/<group code>/
    Content-Type: application/json
    X-Dajuan-Timestamp: 1764400000                 (Unix seconds when the bot sent it)
    X-Dajuan-Signature: <hex HMAC-SHA256 of "<timestamp>.<raw body>" with the group's shared secret>

    {"msgid": "wx-8f2c", "sender_id": "wmA1b2", "sender_name": "周经理",
     "text": "#问题 园区B区停电三天，影响生产", "problem": true}

A message counts as a problem when `problem` is true or its text starts with #问题. A problem from a
member enterprise becomes a case (source 微信矩阵群) linked to that enterprise and the group, registered
by the group's manager; the answer comes back to the group through notify when the unit replies.
Refused: a bad or missing signature (403), a timestamp more than 5 minutes old or ahead (403), a sender
who is not a member (403), malformed JSON or fields (400). A repeated msgid returns the first case.
"""

import hashlib
import hmac
import json
import time

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from dajuan.cases.choices import RequesterKind, Source
from dajuan.core.errors import DomainError
from dajuan.intake.models import GroupMember, MessageGroup
from dajuan.intake.services import case_register

MAX_AGE_SECONDS = 300
PROBLEM_MARK = "#问题"
MAX_BODY = 64 * 1024


def signature(secret: str, timestamp: str, body: bytes) -> str:
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def _error(status: int, code: str, message: str, field: str | None = None) -> JsonResponse:
    return JsonResponse({"code": code, "message": str(message), "field": field}, status=status)


def _text_field(data: dict, name: str, *, required: bool = True, max_length: int = 5000) -> str:
    value = data.get(name, "")
    if not isinstance(value, str) or "\x00" in value or (required and not value.strip()) or len(value) > max_length:
        raise ValueError(name)
    return value.strip()


@login_not_required
@csrf_exempt
@require_POST
def group_message(request: HttpRequest, code: str) -> JsonResponse:
    group = get_object_or_404(MessageGroup, code=code, is_active=True)
    stamp = request.headers.get("X-Dajuan-Timestamp", "")
    given = request.headers.get("X-Dajuan-Signature", "")
    body = request.body
    if len(body) > MAX_BODY:
        return _error(400, "too_large", _("The message is larger than 64 KB."))
    if not stamp.isdigit() or abs(time.time() - int(stamp)) > MAX_AGE_SECONDS:
        return _error(403, "stale_signature", _("The timestamp is missing or more than 5 minutes from now; "
                                                "sign each message when sending it."), "X-Dajuan-Timestamp")
    if not hmac.compare_digest(signature(group.secret, stamp, body), given):
        return _error(403, "bad_signature", _("The signature does not match this group's secret."),
                      "X-Dajuan-Signature")
    try:
        data = json.loads(body)
        if not isinstance(data, dict):
            raise ValueError("body")
        msgid = _text_field(data, "msgid", max_length=80)
        sender_id = _text_field(data, "sender_id", max_length=100)
        sender_name = _text_field(data, "sender_name", required=False, max_length=100)
        text = _text_field(data, "text")
        marked = data.get("problem", False)
        if not isinstance(marked, bool):
            raise ValueError("problem")
    except (ValueError, UnicodeDecodeError) as exc:
        field = str(exc) if str(exc) in ("msgid", "sender_id", "sender_name", "text", "problem", "body") else "body"
        return _error(400, "validation_failed", _("The message JSON is malformed or a field is missing or too long: "
                                                  "%(field)s.") % {"field": field}, field)
    if not (marked or text.startswith(PROBLEM_MARK)):
        return JsonResponse({"status": "ignored"})
    member = GroupMember.objects.select_related("enterprise").filter(group=group, sender_id=sender_id).first()
    if member is None:
        return _error(403, "not_a_member", _("The sender is not a registered member of this group."), "sender_id")
    content = text.removeprefix(PROBLEM_MARK).strip() or text
    try:
        case = case_register(
            by=group.manager, channel=Source.WECHAT_GROUP, title=content.splitlines()[0][:40], content=content,
            requester_kind=RequesterKind.ENTERPRISE, requester_name=sender_name or member.name,
            enterprise=member.enterprise, group=group, external_id=f"{group.code}:{msgid}")
    except DomainError as error:
        return _error(error.http_status, error.code, error.message, error.field)
    return JsonResponse({"status": "registered", "case": case.number, "tracking_code": case.intake.tracking_code},
                        status=201)
