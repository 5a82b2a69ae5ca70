"""The fields a case import understands, with the headers 12345 exports and ledgers usually use."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class ImportField:
    name: str
    label: str
    aliases: tuple[str, ...]
    required: bool = False


FIELDS = [
    ImportField("external_id", _("Work-order number"), ("工单编号", "工单号", "编号", "work order", "external_id"),
                required=True),
    ImportField("registered_at", _("Registered at"), ("登记时间", "受理时间", "来电时间", "registered_at"),
                required=True),
    ImportField("content", _("Content"), ("诉求内容", "内容", "问题描述", "content"), required=True),
    ImportField("title", _("Title"), ("标题", "诉求标题", "title")),
    ImportField("source", _("Source"), ("来源", "渠道", "source")),
    ImportField("category", _("Category"), ("分类", "诉求分类", "类别", "category")),
    ImportField("priority", _("Priority"), ("紧急程度", "优先级", "priority")),
    ImportField("requester_name", _("Requester"), ("诉求人", "来电人", "姓名", "requester_name")),
    ImportField("requester_phone", _("Phone"), ("联系电话", "电话", "手机", "requester_phone")),
    ImportField("address", _("Address"), ("地址", "诉求地址", "address")),
    ImportField("lead_unit", _("Lead unit"), ("承办单位", "主办单位", "lead_unit")),
    ImportField("dispatched_at", _("Dispatched at"), ("派发时间", "交办时间", "dispatched_at")),
    ImportField("reply", _("Reply"), ("答复内容", "办理结果", "reply")),
    ImportField("replied_at", _("Replied at"), ("答复时间", "办结时间", "replied_at")),
]
BY_NAME = {f.name: f for f in FIELDS}
SOURCE_WORDS = {"12345": "hotline", "热线": "hotline", "12345热线": "hotline", "网站": "web", "来访": "walk_in",
                "信访": "petition", "网格": "grid", "督查": "supervision"}
PRIORITY_WORDS = {"普通": "normal", "一般": "normal", "紧急": "urgent", "特急": "critical"}


def _norm(text: str) -> str:
    return "".join((text or "").split()).lower().strip("*：:")


def auto_mapping(headers: list[str]) -> dict[str, str]:
    """field name → the header it reads, for every field whose header (or an alias) is found."""
    by_norm = {_norm(h): h for h in headers if h}
    mapping = {}
    for field in FIELDS:
        for alias in (field.name, str(field.label), *field.aliases):
            if (header := by_norm.get(_norm(alias))) is not None:
                mapping[field.name] = header
                break
    return mapping
