"""The demo district's organisation: 谯城区 with its departments, towns and streets, invented villages
and communities, grids, and the people who work in them — built through org.services."""

import secrets

from django.contrib.auth import get_user_model

from dajuan.demo.people import PersonFactory
from dajuan.org.choices import Role, UnitKind
from dajuan.org.models import Unit
from dajuan.org.services import membership_grant, unit_create, unit_set_reply_review

DISTRICT = ("QC", "谯城区")

DEPARTMENTS = [
    ("YSB", "区营商办"), ("DCB", "区督查考核办"), ("JW", "区纪委监委"), ("XFJ", "区信访局"),
    ("ZJJ", "区住建局"), ("RSJ", "区人社局"), ("SJJ", "区市场监管局"), ("STJ", "区生态环境分局"),
    ("CGJ", "区城管局"), ("JYJ", "区教体局"), ("WJW", "区卫健委"), ("NYJ", "区农业农村局"),
    ("JXJ", "区经信局"), ("FGW", "区发改委"), ("SWJ", "区税务局"), ("ZRJ", "区自然资源分局"),
    ("JTJ", "区交通运输局"), ("SLJ", "区水利局"), ("MZJ", "区民政局"), ("YBJ", "区医保局"),
    ("GAJ", "公安谯城分局"), ("SFJ", "区司法局"), ("SJB", "区数据资源局"), ("YJJ", "区应急管理局"),
]
# Units whose replies wait for their leader's review (答复审核): the housing bureau (the demo personas
# `handler` and `leader`), market supervision and the street of the demo grid.
REVIEW_UNITS = ("QC-ZJJ", "QC-SJJ", "QC-HXL")

# Real towns and streets of the district; their villages and communities below are invented.
TOWNS = [
    ("HXL", "花戏楼街道"), ("XG", "薛阁街道"), ("TL", "汤陵街道"), ("HSM", "火神庙街道"),
    ("XN", "咸宁街道"), ("GJ", "古井镇"), ("SJL", "十九里镇"), ("QD", "谯东镇"), ("WG", "魏岗镇"),
    ("NJ", "牛集镇"), ("YJ", "颜集镇"), ("WM", "五马镇"), ("SH", "十河镇"), ("DY", "大杨镇"),
    ("CF", "城父镇"), ("GT", "观堂镇"), ("HT", "华佗镇"), ("LY", "龙扬镇"), ("LD", "立德镇"),
    ("SG", "双沟镇"), ("ST", "沙土镇"), ("FH", "淝河镇"), ("LM", "芦庙镇"), ("ZQ", "赵桥乡"),
    ("ZD", "张店乡"),
]
VILLAGE_STEMS = (
    "李庄 王楼 张集 刘寨 陈营 杨湖 赵桥 孙圩 周店 吴庙 "
    "徐楼 朱集 马园 胡寨 郭庄 何湾 高庙 林场 罗集 梁圩"
).split()
COMMUNITY_STEMS = (
    "东关 西关 南京路 北门 文化 光明 新华 建设 "
    "和平 幸福 人民 健康 曹操 汤王 芍花 药都"
).split()

PERSONAS = [
    # username, role, unit code, title, description shown at `make run`
    ("dispatcher", Role.DISPATCHER, "QC-YSB", "派单员", "区营商办派单员"),
    ("handler", Role.HANDLER, "QC-ZJJ", "科员", "区住建局承办人"),
    ("leader", Role.UNIT_LEADER, "QC-ZJJ", "局长", "区住建局负责人"),
    ("supervisor", Role.SUPERVISOR, "QC-DCB", "督查员", "区督查考核办督查员"),
    ("inspector", Role.INSPECTOR, "QC-JW", "纪检监察员", "区纪委监委"),
    ("quzhang", Role.DISTRICT_LEADER, "QC", "副区长", "区领导"),
    ("town", Role.UNIT_LEADER, "QC-HXL", "街道办主任", "花戏楼街道负责人"),
    ("grid", Role.GRID_WORKER, "QC-HXL-DG-01", "专职网格员", "东关社区第一网格网格员"),
]


def create_admin() -> tuple[object, str]:
    """The demo administrator, with a random password (never a fixed one)."""
    User = get_user_model()
    password = secrets.token_urlsafe(12)
    admin = User.objects.create_superuser(username="admin", email="", password=password, full_name="系统管理员")
    return admin, password


def build_org(admin, *, villages_per_town: int = 6, grids_per_village: int = 3) -> dict[str, int]:
    """Units and staff of the district. Returns counts."""
    people = PersonFactory()
    root = unit_create(code=DISTRICT[0], name=DISTRICT[1], kind=UnitKind.DISTRICT, parent=None, by=admin)
    membership_grant(user=admin, unit=root, role=Role.ADMIN, title="系统管理员", by=admin)
    for code, name in DEPARTMENTS:
        dept = unit_create(code=f"QC-{code}", name=name, kind=UnitKind.DEPARTMENT, parent=root, by=admin)
        _staff(dept, people, admin, leader_title="负责人", handlers=2)
    xfj = Unit.objects.get(code="QC-XFJ")
    unit_create(code="QC-XFJ-ZX", name="区信访服务中心", kind=UnitKind.SERVICE_CENTRE, parent=xfj, by=admin)
    grid_count = 0
    for code, name in TOWNS:
        town = unit_create(code=f"QC-{code}", name=name, kind=UnitKind.TOWN, parent=root, by=admin)
        _staff(town, people, admin, leader_title="主任" if name.endswith("街道") else "镇长", handlers=2)
        stems = COMMUNITY_STEMS if name.endswith("街道") else VILLAGE_STEMS
        suffix = "社区" if name.endswith("街道") else "村"
        offset = TOWNS.index((code, name)) * 3
        for v in range(villages_per_town):
            stem = stems[(offset + v) % len(stems)]
            v_code = "DG" if (code, v) == ("HXL", 0) else f"{v + 1:02d}"
            v_name = "东关社区" if v_code == "DG" else f"{stem}{suffix}"
            village = unit_create(code=f"QC-{code}-{v_code}", name=v_name, kind=UnitKind.VILLAGE, parent=town, by=admin)
            _staff(village, people, admin, leader_title="书记", handlers=1)
            for g in range(grids_per_village):
                grid = unit_create(code=f"{village.code}-{g + 1:02d}", name=f"{v_name}第{'一二三四五六'[g]}网格",
                                   kind=UnitKind.GRID, parent=village, by=admin)
                _person(grid, Role.GRID_WORKER, people, admin, title="网格员")
                grid_count += 1
    for code in REVIEW_UNITS:
        unit_set_reply_review(Unit.objects.get(code=code), required=True, by=admin)
    return {"units": Unit.objects.count(), "grids": grid_count}


def _person(unit, role, people: PersonFactory, admin, *, title: str):
    User = get_user_model()
    user = User(username=f"u{User.objects.count() + 1:05d}", full_name=people.name(), phone=people.phone())
    user.set_unusable_password()  # staff in the tree; only the personas below log in
    user.save()
    membership_grant(user=user, unit=unit, role=role, title=title, by=admin)
    return user


def _staff(unit, people: PersonFactory, admin, *, leader_title: str, handlers: int) -> None:
    _person(unit, Role.UNIT_LEADER, people, admin, title=leader_title)
    for _ in range(handlers):
        _person(unit, Role.HANDLER, people, admin, title="工作人员")


def create_personas(admin) -> list[tuple[str, str, str]]:
    """Log-in personas with random passwords: (username, password, description)."""
    User = get_user_model()
    people = PersonFactory(seed=7)
    logins = []
    for username, role, unit_code, title, description in PERSONAS:
        password = secrets.token_urlsafe(9)
        user = User.objects.create_user(username=username, password=password,
                                        full_name=people.name(), phone=people.phone())
        membership_grant(user=user, unit=Unit.objects.get(code=unit_code), role=role, title=title, by=admin)
        logins.append((username, password, description))
    return logins
