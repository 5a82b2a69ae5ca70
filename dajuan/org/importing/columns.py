"""The file format of the org import: sheet names, column headers (English or Chinese) and the words
accepted for a unit's kind and a person's role. Pure data and parsing, no queries."""

import re
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from dajuan.org.choices import Role, UnitKind

UNITS = "units"
PEOPLE = "people"

# Sheet names, and the hints a CSV file name may carry when its headers alone cannot tell.
SHEET_NAMES = {UNITS: ("units", "单位"), PEOPLE: ("people", "人员")}
FILE_NAME_HINTS = {UNITS: ("unit", "单位"), PEOPLE: ("people", "person", "user", "人员", "用户")}


@dataclass(frozen=True)
class ColumnSpec:
    name: str  # canonical English header
    aliases: tuple[str, ...]  # Chinese headers accepted as well
    required: bool  # the column must be present
    cell_required: bool  # every row must fill it in
    help: Promise  # for the template workbook's help sheet


UNIT_COLUMNS = (
    ColumnSpec("code", ("编码", "单位代码"), True, True,
               _("Unique code of the unit: 1–40 letters, digits, '-', '_' or '.'. Keep it as text.")),
    ColumnSpec("name", ("名称", "单位名称"), True, True, _("Name of the unit, up to 100 characters.")),
    ColumnSpec("kind", ("类型", "单位类型"), True, True,
               _("Kind of unit, in English or Chinese (see below).")),
    ColumnSpec("parent_code", ("上级编码", "上级单位编码"), True, False,
               _("Code of the unit above, in this file or already in the system; empty only for the "
                 "district.")),
)

PEOPLE_COLUMNS = (
    ColumnSpec("username", ("用户名", "账号"), True, True,
               _("Login name: letters, digits and @ . + - _ only. One username is one person.")),
    ColumnSpec("full_name", ("姓名",), True, True, _("Full name, up to 100 characters.")),
    ColumnSpec("phone", ("手机号", "手机", "手机号码"), True, False,
               _("11-digit mainland mobile number, required for new accounts. Keep it as text.")),
    ColumnSpec("email", ("邮箱", "电子邮箱"), False, False, _("E-mail address (optional).")),
    ColumnSpec("unit_code", ("单位编码", "所属单位编码"), True, True,
               _("Code of the unit the person works in, in the units sheet or already in the system.")),
    ColumnSpec("role", ("角色",), True, True, _("Role in that unit, in English or Chinese (see below).")),
    ColumnSpec("title", ("职务",), False, False,
               _("Job title, e.g. 副局长 (optional, up to 50 characters).")),
)

COLUMNS = {UNITS: UNIT_COLUMNS, PEOPLE: PEOPLE_COLUMNS}

# The Chinese words people write for each kind and role (file vocabulary, not UI translations).
KIND_WORDS: dict[str, UnitKind] = {
    "区": UnitKind.DISTRICT, "县": UnitKind.DISTRICT, "区/县": UnitKind.DISTRICT,
    "部门": UnitKind.DEPARTMENT,
    "乡镇/街道": UnitKind.TOWN, "乡镇": UnitKind.TOWN, "街道": UnitKind.TOWN, "镇": UnitKind.TOWN,
    "乡": UnitKind.TOWN,
    "村/社区": UnitKind.VILLAGE, "村": UnitKind.VILLAGE, "社区": UnitKind.VILLAGE,
    "网格": UnitKind.GRID,
    "服务中心": UnitKind.SERVICE_CENTRE,
}
ROLE_WORDS: dict[str, Role] = {
    "系统管理员": Role.ADMIN, "管理员": Role.ADMIN,
    "派单员": Role.DISPATCHER,
    "承办人": Role.HANDLER,
    "单位负责人": Role.UNIT_LEADER, "负责人": Role.UNIT_LEADER,
    "督查员": Role.SUPERVISOR,
    "区领导": Role.DISTRICT_LEADER,
    "纪检监察": Role.INSPECTOR, "纪检监察员": Role.INSPECTOR,
    "网格员": Role.GRID_WORKER,
}


def normalise_header(text: str) -> str:
    """"Parent code", "parent_code", " PARENT-CODE* " all become "parent_code"."""
    text = text.strip().rstrip("*＊").strip().lower()
    return re.sub(r"[\s\-]+", "_", text)


def header_lookup(kind: str) -> dict[str, str]:
    lookup = {}
    for spec in COLUMNS[kind]:
        for header in (spec.name, *spec.aliases):
            lookup[normalise_header(header)] = spec.name
    return lookup


def _normalise_word(text: str) -> str:
    text = text.strip().replace("／", "/").lower()
    return re.sub(r"\s*/\s*", "/", text)


class Vocabulary:
    """Turns what a file says for a kind or a role into the stored value: the value itself
    ("unit_leader"), its English label ("Unit leader"), its label in the active language, or a
    Chinese word from the tables above. Built once per import (labels are translated then)."""

    def __init__(self) -> None:
        self.kinds = self._words(UnitKind, KIND_WORDS)
        self.roles = self._words(Role, ROLE_WORDS)

    @staticmethod
    def _words(choices, chinese: dict) -> dict[str, str]:
        words = {_normalise_word(word): str(value) for word, value in chinese.items()}
        for value, label in choices.choices:
            words[_normalise_word(str(label))] = value
            with override("en"):
                words[_normalise_word(str(label))] = value
            words[_normalise_word(value)] = value
            words[_normalise_word(value.replace("_", " "))] = value
        return words

    def kind(self, text: str) -> str | None:
        return self.kinds.get(_normalise_word(text))

    def role(self, text: str) -> str | None:
        return self.roles.get(_normalise_word(text))


def accepted_kinds() -> str:
    """"district / 区, department / 部门, …" for messages and the template's help sheet."""
    return _accepted(UnitKind, KIND_WORDS)


def accepted_roles() -> str:
    return _accepted(Role, ROLE_WORDS)


def _accepted(choices, chinese: dict) -> str:
    first_word = {}
    for word, value in chinese.items():
        first_word.setdefault(value, word)
    return ", ".join(f"{value} / {first_word[value]}" for value in choices.values)
