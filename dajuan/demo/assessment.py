"""The demo's assessment (分层分档考核): the score sheets of the three tiers with weights that change
between quarters, leadership teams, star thresholds, manual scores with evidence, and the last finished
quarter published (and corrected once, so the history shows two versions) — all through
assessment.services, on whatever cases the earlier steps made (main's "cases" step: about a year)."""

import hashlib
from datetime import date

from django.contrib.auth import get_user_model

from dajuan.assessment import services
from dajuan.assessment.models import AssessedKind as K
from dajuan.assessment.models import Indicator
from dajuan.assessment.models import Metric as M
from dajuan.assessment.selectors import quarter_of
from dajuan.org.models import Unit
from dajuan.rollups.services import rollups_rebuild

# code, name, kind, metric, key work, points per occurrence, weights for (older quarters, latest two quarters)
SHEET = [
    ("D-XY", "响应率（当日认领）", K.DEPARTMENT, M.CLAIM_RATE, False, 1, (15, 10)),
    ("D-AS", "按时办结率", K.DEPARTMENT, M.ON_TIME_REPLY_RATE, True, 1, (20, 20)),
    ("D-BJ", "办结率", K.DEPARTMENT, M.CLOSURE_RATE, False, 1, (15, 15)),
    ("D-MY", "群众满意率", K.DEPARTMENT, M.SATISFACTION_RATE, True, 1, (20, 25)),
    ("D-CB", "重办率", K.DEPARTMENT, M.REOPEN_RATE, False, 1, (5, 5)),
    ("D-TH", "退回率", K.DEPARTMENT, M.RETURN_RATE, False, 1, (5, 5)),
    ("D-CC", "抽查回访不合格", K.DEPARTMENT, M.SPOT_CHECK_FAILURES, False, 2, (5, 5)),
    ("D-DB", "督查升级（催办/督办/挂牌）", K.DEPARTMENT, M.ESCALATIONS, False, 0.5, (5, 5)),
    ("D-YS", "营商环境重点工作（人工评分）", K.DEPARTMENT, M.MANUAL, True, 1, (10, 10)),
    ("T-XY", "响应率（当日认领）", K.TOWN, M.CLAIM_RATE, False, 1, (15, 15)),
    ("T-AS", "按时办结率", K.TOWN, M.ON_TIME_REPLY_RATE, True, 1, (20, 20)),
    ("T-MY", "群众满意率", K.TOWN, M.SATISFACTION_RATE, True, 1, (25, 25)),
    ("T-DR", "当日认领占比", K.TOWN, M.SAME_DAY_CLAIM_SHARE, False, 1, (10, 10)),
    ("T-CC", "抽查回访不合格", K.TOWN, M.SPOT_CHECK_FAILURES, False, 2, (10, 10)),
    ("T-QM", "敲门行动与网格治理（人工评分）", K.TOWN, M.MANUAL, True, 1, (20, 20)),
    ("V-MY", "群众满意率", K.VILLAGE, M.SATISFACTION_RATE, True, 1, (40, 40)),
    ("V-AS", "按时办结率", K.VILLAGE, M.ON_TIME_REPLY_RATE, False, 1, (30, 30)),
    ("V-CC", "抽查回访不合格", K.VILLAGE, M.SPOT_CHECK_FAILURES, False, 5, (10, 10)),
    ("V-JC", "基层党建与人居环境（人工评分）", K.VILLAGE, M.MANUAL, True, 1, (20, 20)),
]

TEAMS = [  # name, unit codes (departments and towns), with the demo district leader leading the first
    ("常务副区长分管", ["QC-YSB", "QC-FGW", "QC-JXJ", "QC-SWJ", "QC-SJJ", "QC-SJB", "QC-HXL", "QC-XG", "QC-TL",
                  "QC-HSM", "QC-XN"]),
    ("分管城建副区长", ["QC-ZJJ", "QC-CGJ", "QC-ZRJ", "QC-JTJ", "QC-STJ", "QC-SLJ", "QC-GJ", "QC-SJL", "QC-QD",
                  "QC-WG", "QC-NJ", "QC-YJ"]),
    ("分管社会事业副区长", ["QC-RSJ", "QC-JYJ", "QC-WJW", "QC-MZJ", "QC-YBJ", "QC-WM", "QC-SH", "QC-DY", "QC-CF",
                    "QC-GT", "QC-HT"]),
    ("分管政法副区长", ["QC-GAJ", "QC-SFJ", "QC-YJJ", "QC-XFJ", "QC-NYJ", "QC-LY", "QC-LD", "QC-SG", "QC-ST",
                  "QC-FH", "QC-LM", "QC-ZQ", "QC-ZD"]),
]
EVIDENCE = {
    K.DEPARTMENT: "督查考核办季度专项督查记录、营商环境评价台账（第{n}期）",
    K.TOWN: "敲门行动入户记录抽查、网格巡查台账（抽查{n}户）",
    K.VILLAGE: "村级党建考评表、人居环境整治验收记录（编号{n}）",
}


def _score(code: str, year: int, quarter: int) -> int:
    """A stable invented manual score in 68–98."""
    return 68 + hashlib.sha256(f"{code}{year}{quarter}".encode()).digest()[0] % 31


def build(admin, *, today: date) -> str:
    rollups_rebuild()  # the receiver kept them in step; this makes a database loaded any way consistent
    year, quarter = quarter_of(today)
    quarters = []
    for _i in range(5):
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
        quarters.append((year, quarter))
    quarters.reverse()  # the five quarters before the current one, oldest first
    for code, name, kind, metric, key, ppo, (older, latest) in SHEET:
        indicator = services.indicator_define(code=code, name=name, kind=kind, metric=metric, key_work=key,
                                              points_per_occurrence=ppo, by=admin)
        for i, (y, q) in enumerate(quarters):
            services.weight_set(indicator=indicator, year=y, quarter=q, weight=latest if i >= 3 else older, by=admin)
        current = quarter_of(today)
        services.weight_set(indicator=indicator, year=current[0], quarter=current[1], weight=latest, by=admin)
    services.star_thresholds_set(thresholds={1: 0, 2: 60, 3: 75, 4: 85, 5: 93}, by=admin)
    leader = get_user_model().objects.filter(username="quzhang").first()
    units = {u.code: u for u in Unit.objects.filter(kind__in=["department", "town"])}
    for i, (name, codes) in enumerate(TEAMS):
        services.team_set(name=name, units=[units[c] for c in codes if c in units], leader=leader if i == 0 else None,
                          by=admin)
    manual = {i.kind: i for i in Indicator.objects.filter(metric=M.MANUAL)}
    published_year, published_quarter = quarters[-1]
    assessed = Unit.objects.filter(kind__in=K.values).values_list("pk", "code", "kind")
    for y, q in quarters[-2:]:
        for _pk, code, kind in assessed:
            unit = Unit.objects.get(code=code)
            services.manual_score_set(indicator=manual[kind], unit=unit, year=y, quarter=q,
                                      score=_score(code, y, q), by=admin,
                                      evidence=EVIDENCE[kind].format(n=_score(code, q, y)))
    services.assessment_publish(year=published_year, quarter=published_quarter, by=admin, today=today)
    housing = Unit.objects.filter(code="QC-ZJJ").first()
    if housing is not None:
        services.manual_score_set(indicator=manual[K.DEPARTMENT], unit=housing, year=published_year,
                                  quarter=published_quarter, score=95, by=admin,
                                  evidence="复核：补充提交老旧小区改造专项整改佐证材料")
        services.assessment_correct(year=published_year, quarter=published_quarter, by=admin, today=today,
                                    reason="区住建局营商环境专项评分经复核更正（补充佐证材料）")
    return f"{len(SHEET)} indicators, {published_year}Q{published_quarter} published (v1 + correction)"
