"""The demo replay: named steps run in order, each once per database (ReplayStep rows), each building
its part of the district through the real services. Later capabilities append steps here."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction

from dajuan.demo import district
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


STEPS: list[tuple[str, Callable[[ReplayContext], str]]] = [
    ("org", step_org),
]


def replay(ctx: ReplayContext) -> list[tuple[str, str]]:
    """Run the steps not yet run, each in its own transaction. Returns (name, summary) of those run."""
    User = get_user_model()
    done = set(ReplayStep.objects.values_list("name", flat=True))
    ran = []
    for name, step in STEPS:
        if name in done:
            continue
        with transaction.atomic():
            if ctx.admin is None:
                ctx.admin = User.objects.filter(username="admin").first()
            if ctx.admin is None:
                ctx.admin, password = district.create_admin()
                ctx.logins.append(("admin", password, "系统管理员 (system administrator)"))
            ctx.say(f"demo: {name} …")
            summary = step(ctx)
            ReplayStep.objects.create(name=name, summary=summary[:200])
        ran.append((name, summary))
    return ran
