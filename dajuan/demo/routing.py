"""The demo's dispatch intelligence, on the cases the "cases" step replayed: the router trained from
those confirmed dispatches, standard answers drawn from good replies and pushed to the enterprises of
the same class of problem, a planted burst of 积水 reports in one grid (a hotspot warning), and a pair of
near-duplicate calls waiting for the dispatcher to merge them — all through the real services."""

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from dajuan.cases import transitions
from dajuan.cases.choices import RequesterKind, Source
from dajuan.cases.models import Case, Category
from dajuan.core.errors import DomainError
from dajuan.org.choices import UnitKind
from dajuan.org.models import Unit
from dajuan.routing import answers, hotspots
from dajuan.routing.training import router_train

FLOODING = [
    "雨后{place}低洼处积水没过脚踝，老人孩子出行困难。", "{place}下水道堵塞，一下雨路面就积水。",
    "{place}雨水井盖缺失，积水处看不见很危险。", "{place}楼道口积水倒灌进一楼储藏室。",
]
MANHOLE = "幸福小区北门井盖缺失三天了，晚上有行人差点掉下去，请尽快处理。"


def build_routing(*, seed: int = 2022) -> dict[str, int]:
    rng = random.Random(seed)
    User = get_user_model()
    dispatcher = User.objects.get(username="dispatcher")
    tally = {"router_version": 0, "answers": 0, "pushed": 0, "burst_cases": 0, "hotspots": 0, "duplicates": 0}
    try:
        model = router_train(by=dispatcher)
        tally["router_version"] = model.version
    except DomainError:
        pass  # too little history (a tiny DAJUAN_DEMO_CASES): the rest still runs
    seen = set()
    replied = (Case.objects.filter(confidential=False, replied_at__isnull=False, category__isnull=False)
               .select_related("category").order_by("pk"))
    for case in replied:
        if case.category_id in seen or len(seen) >= 4:
            continue
        seen.add(case.category_id)
        answer = answers.answer_from_reply(case, by=dispatcher, title=f"{case.category.name}：{case.title}")
        tally["answers"] += 1
        tally["pushed"] += answers.answer_push(answer, enterprises=list(answers.push_targets(answer)), by=dispatcher)
    grid = Unit.objects.filter(kind=UnitKind.GRID, is_active=True).order_by("path").first()
    category = Category.objects.filter(code="SQ-SS").first() or Category.objects.order_by("pk").first()
    if grid is not None and category is not None:
        now = timezone.now()
        place = grid.name.split("第")[0]
        for i in range(9):
            transitions.register(title=f"{place}积水", content=rng.choice(FLOODING).format(place=place),
                                 source=Source.GRID, category=category, grid=grid, address=f"{place}东门",
                                 requester_kind=RequesterKind.CITIZEN, requester_name="网格上报",
                                 by=dispatcher, at=now - timedelta(hours=6 * i + 1))
            tally["burst_cases"] += 1
        tally["hotspots"] = len(hotspots.hotspots_detect(at=now))
    for days_ago in (2, 0):
        transitions.register(title="小区门口井盖缺失", content=MANHOLE, source=Source.HOTLINE,
                             address="幸福小区北门", requester_kind=RequesterKind.CITIZEN, requester_name="刘女士",
                             requester_phone="13955501234", by=dispatcher,
                             at=timezone.now() - timedelta(days=days_ago, hours=1))
        tally["duplicates"] += 1
    return tally
