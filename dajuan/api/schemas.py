"""Request and response shapes of the JSON API. Text fields refuse what no database stores (NUL, lone
surrogates) with a 400 naming the field, instead of failing inside the database."""

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import AfterValidator

from dajuan.cases.choices import Priority, RequesterKind, Satisfaction


def plain_text(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode text") from None
    return value


Text = Annotated[str, AfterValidator(plain_text)]
PriorityValue = Literal[tuple(Priority.values)]  # type: ignore[valid-type]
RequesterKindValue = Literal[tuple(RequesterKind.values)]  # type: ignore[valid-type]
SatisfactionValue = Literal[tuple(Satisfaction.values)]  # type: ignore[valid-type]


class ErrorOut(Schema):
    code: str = Field(..., description="Stable machine-readable code, e.g. invalid_transition.")
    message: str = Field(..., description="What went wrong and how to fix it, in the user's language.")
    field: str | None = Field(None, description="The field at fault, if one is.")


class CaseIn(Schema):
    title: Text = Field(..., max_length=200)
    content: Text = Field(..., max_length=20000)
    category: Text | None = Field(None, max_length=40, description="Category code; omit when unsure.")
    priority: PriorityValue | None = None
    requester_kind: RequesterKindValue = "citizen"
    requester_name: Text = Field("", max_length=100)
    requester_phone: Text = Field("", max_length=20)
    address: Text = Field("", max_length=200)
    latitude: Decimal | None = Field(None, ge=-90, le=90, max_digits=12, decimal_places=8)
    longitude: Decimal | None = Field(None, ge=-180, le=180, max_digits=12, decimal_places=8)
    external_id: Text = Field("", max_length=100, description="The case's id in the sending system.")


class CaseOut(Schema):
    number: str
    title: str
    content: str
    status: str
    source: str
    priority: str
    category: str | None
    requester_kind: str
    requester_name: str
    requester_phone: str = Field(..., description="Masked unless this token may see the requester's contact.")
    address: str
    latitude: Decimal | None
    longitude: Decimal | None
    lead_unit: str | None
    claim_due: datetime | None
    reply_due: datetime | None
    registered_at: datetime
    replied_at: datetime | None
    closed_at: datetime | None
    satisfaction: str
    reopen_count: int
    supervision_level: int
    tracking_code: str | None = None


class CasePageOut(Schema):
    items: list[CaseOut]
    next_cursor: str | None = Field(None, description="Pass as `cursor` for the next page.")
    has_more: bool


class ActionOut(Schema):
    action: str
    allowed: bool
    reason: str


class ReasonIn(Schema):
    reason: Text = Field(..., max_length=5000)


class TextIn(Schema):
    text: Text = Field(..., max_length=5000)


class MergeIn(Schema):
    into: Text = Field(..., max_length=20, description="Number of the case this one repeats.")


class DispatchIn(Schema):
    lead_unit: Text = Field(..., max_length=40, description="Unit code.")
    assist_units: list[Annotated[Text, Field(max_length=40)]] = Field(default_factory=list, max_length=20)
    category: Text | None = Field(None, max_length=40)
    priority: PriorityValue | None = None


class ReturnIn(ReasonIn):
    unit: Text | None = Field(None, max_length=40)


class ReportIn(TextIn):
    unit: Text | None = Field(None, max_length=40)


class TransferIn(ReasonIn):
    to_unit: Text = Field(..., max_length=40)


class AssistIn(Schema):
    units: list[Annotated[Text, Field(max_length=40)]] = Field(..., min_length=1, max_length=20)
    report_due: datetime | None = None


class ReleaseIn(Schema):
    unit: Text = Field(..., max_length=40)


class ExtensionIn(ReasonIn):
    working_days: int = Field(..., ge=1, le=60)


class DecisionIn(Schema):
    approve: bool
    note: Text = Field("", max_length=5000)


class ReplyIn(TextIn):
    override_assist: bool = False


class EvaluateIn(Schema):
    satisfaction: SatisfactionValue
    comment: Text = Field("", max_length=500)


class CloseIn(Schema):
    note: Text = Field("", max_length=5000)


class ReopenIn(ReasonIn):
    cause: Literal["unsatisfied", "spot_check", "supervision", "other"] = "other"


class SuperviseIn(Schema):
    level: int = Field(..., ge=1, le=3)
    note: Text = Field(..., max_length=5000)
    escalated_to: Text | None = Field(None, max_length=150, description="User name of the district leader.")
