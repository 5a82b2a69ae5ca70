"""The demo replay: named steps run in order, each once per database (ReplayStep rows), each building
its part of the district through the real services. Later capabilities append steps here."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from dajuan.demo import assessment, catalog, district, history
from dajuan.demo.models import ReplayStep


@dataclass
class ReplayContext:
    """What steps share: the administrator acting for the replay and the log-ins to print."""

    admin: object = None
    logins: list[tuple[str, str, str]] = field(default_factory=list)
    say: Callable[[str], None] = print


def step_org(ctx: ReplayContext) -> str:
    counts = district.build_org(ctx.admin)
    ctx.logins.extend(district.create_personas(ctx.admin))
    return f"{counts['units']} units, {counts['grids']} grids"


def step_supervision(ctx: ReplayContext) -> str:
    from dajuan.demo.supervision import build_supervision

    tally = build_supervision()
    return ", ".join(f"{name} {n}" for name, n in sorted(tally.items()))


def step_assessment(ctx: ReplayContext) -> str:
    """After the "cases" step: rollups, score sheets, teams, stars, a published and corrected quarter."""
    return assessment.build(ctx.admin, today=timezone.localdate())


@dataclass(frozen=True)
class Step:
    """A named part of the demo. `atomic` steps run in one transaction; steps that call the loop's
    transitions (each its own durable transaction) set it False and must tolerate a re-run after a
    failure part-way (demo_load on a fresh database is the supported path)."""

    name: str
    run: Callable[[ReplayContext], str]
    atomic: bool = True


def step_cases(ctx: ReplayContext) -> str:
    categories = catalog.build_catalog()
    tally = history.build_history(cases=settings.DAJUAN_DEMO_CASES)
    return f"{categories} categories, {sum(tally.values())} cases: " + ", ".join(
        f"{name} {n}" for name, n in sorted(tally.items()))
def step_inboxes(ctx: ReplayContext) -> str:
    from dajuan.demo.inboxes import build_inboxes

    made = build_inboxes(ctx.admin)
    return f"{made['cases']} cases of this week in every persona's inboxes"


def step_intake(ctx: ReplayContext) -> str:
    from dajuan.demo.intake import build_intake

    dispatcher = get_user_model().objects.get(username="dispatcher")
    counts, logins = build_intake(ctx.admin, dispatcher)
    ctx.logins.extend(logins)
    return ", ".join(f"{name} {n}" for name, n in counts.items())


def step_enterprise_service(ctx: ReplayContext) -> str:
    from dajuan.demo.enterprise_service import build_enterprise_service

    tally = build_enterprise_service(ctx.admin, scale=settings.DAJUAN_DEMO_ENTERPRISE_PERCENT / 100)
    return ", ".join(f"{name} {n}" for name, n in sorted(tally.items()))


def step_routing(ctx: ReplayContext) -> str:
    from dajuan.demo.routing import build_routing

    tally = build_routing()
    return ", ".join(f"{name} {n}" for name, n in tally.items())


STEPS: list[Step] = [
    Step("org", step_org),
    Step("cases", step_cases, atomic=False),
    # After "cases" (main): it works on the cases that step replayed.
    Step("supervision", step_supervision, atomic=False),
    # After the replayed year ("cases"): the current week's work, so each persona's inboxes are full.
    Step("inboxes", step_inboxes, atomic=False),
    Step("intake", step_intake, atomic=False),
    # After "intake": builds on its enterprises, their accounts and the 药企 group; before "assessment",
    # so the assessed quarter includes the enterprise-service cases.
    Step("enterprise_service", step_enterprise_service, atomic=False),
    # After the replayed history and intake: learns from their confirmed dispatches and replies.
    Step("routing", step_routing, atomic=False),
    Step("assessment", step_assessment),
]


def _ensure_admin(ctx: ReplayContext) -> None:
    if ctx.admin is None:
        ctx.admin = get_user_model().objects.filter(username="admin").first()
    if ctx.admin is None:
        ctx.admin, password = district.create_admin()
        ctx.logins.append(("admin", password, "系统管理员 (system administrator)"))


def replay(ctx: ReplayContext) -> list[tuple[str, str]]:
    """Run the steps not yet run, in order. Returns (name, summary) of those run."""
    done = set(ReplayStep.objects.values_list("name", flat=True))
    ran = []
    for step in STEPS:
        if step.name in done:
            continue
        ctx.say(f"demo: {step.name} …")
        if step.atomic:
            with transaction.atomic():
                _ensure_admin(ctx)
                summary = step.run(ctx)
                ReplayStep.objects.create(name=step.name, summary=summary[:200])
        else:
            with transaction.atomic():
                _ensure_admin(ctx)
            summary = step.run(ctx)
            ReplayStep.objects.create(name=step.name, summary=summary[:200])
        ran.append((step.name, summary))
    return ran
