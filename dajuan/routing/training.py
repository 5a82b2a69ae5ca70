"""Training the router from the platform's own history (services: writes RouterModel rows).

An example is a *confirmed dispatch*: a case whose lead unit claimed it and kept it (the lead
assignment was claimed and neither returned nor transferred away), with the case's final category.
Confidential cases never train the model: every dispatcher may query it, and a model can echo its
training text through its suggestions.
"""

import hashlib
import pickle
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from dajuan.access.actions import Action
from dajuan.access.policy import require
from dajuan.cases.choices import AssignmentRole, AssignmentStatus, CaseStatus
from dajuan.cases.models import Assignment, Category
from dajuan.core.audit import audit_record
from dajuan.core.errors import Conflict
from dajuan.routing import classifier
from dajuan.routing.models import RouterModel
from dajuan.routing.text import case_text

MIN_EXAMPLES = 10
KEPT = [AssignmentStatus.CLAIMED, AssignmentStatus.REPLIED, AssignmentStatus.WITHDRAWN]


@dataclass(frozen=True)
class Example:
    case_id: int
    text: str
    category: str
    unit: str


def confirmed_dispatches() -> Iterator[Example]:
    """Every confirmed dispatch of a non-confidential case, oldest case first (the order the fixed split
    is drawn over). The last kept lead assignment of a case names its unit."""
    rows = (Assignment.objects
            .filter(role=AssignmentRole.LEAD, claimed_at__isnull=False, status__in=KEPT,
                    case__confidential=False, case__category__isnull=False)
            .exclude(case__status__in=[CaseStatus.MERGED, CaseStatus.REJECTED])
            .order_by("case_id", "created_at", "pk")
            .values_list("case_id", "case__title", "case__content", "case__category__code", "unit__code"))
    pending = None
    for case_id, title, content, category, unit in rows.iterator(chunk_size=5000):
        if pending is not None and pending.case_id != case_id:
            yield pending
        pending = Example(case_id, case_text(title, content), category, unit)
    if pending is not None:
        yield pending


def category_tree_texts(labels) -> list[tuple[str, str]]:
    """The active category tree as training texts for the category codes in `labels` (see
    classifier.tree_texts): a sub-category's name teaches the category the cases are labelled with."""
    nodes = list(Category.objects.filter(is_active=True).values_list("code", "name", "parent__code"))
    return classifier.tree_texts(nodes, labels)


def dump(router: classifier.Router) -> bytes:
    return zlib.compress(pickle.dumps(router, protocol=pickle.HIGHEST_PROTOCOL), 3)


def load(blob: bytes) -> classifier.Router:
    return pickle.loads(zlib.decompress(bytes(blob)))  # our own rows, written by router_train


def router_train(*, by, activate: bool = True, progress: Callable[[str], None] = lambda message: None
                 ) -> RouterModel:
    """Train a new router version from the confirmed dispatches, evaluate it on the fixed held-out split,
    store it, and (by default) make it the active version. Raises NotPermitted, Conflict (too little
    history)."""
    require(by, Action.TRAIN_ROUTER)
    progress(_("Reading confirmed dispatches…"))
    examples = list(confirmed_dispatches())
    if len(examples) < MIN_EXAMPLES:
        raise Conflict(_("The router needs at least %(n)d confirmed dispatches to learn from; there are "
                         "%(have)d. Dispatch and claim more cases first.") % {"n": MIN_EXAMPLES, "have": len(examples)})
    progress(_("Training on %(n)d examples…") % {"n": len(examples)})
    started, cpu = time.perf_counter(), time.process_time()
    categories = [e.category for e in examples]
    router = classifier.train_and_evaluate([e.text for e in examples], categories, [e.unit for e in examples],
                                           tree=category_tree_texts(set(categories)))
    router.evaluation["train_seconds"] = round(time.perf_counter() - started, 2)
    # CPU seconds of this process: the figure a loaded, shared machine does not inflate.
    router.evaluation["train_cpu_seconds"] = round(time.process_time() - cpu, 2)
    blob = dump(router)
    with transaction.atomic():
        version = (RouterModel.objects.select_for_update().aggregate(v=Max("version"))["v"] or 0) + 1
        model = RouterModel.objects.create(
            version=version, created_at=timezone.now(), trained_by=by, examples=len(examples),
            evaluation=router.evaluation, blob=blob, sha256=hashlib.sha256(blob).hexdigest())
        audit_record(model, "router_train", by=by, after={"version": version, "examples": len(examples),
                                                          "evaluation": _brief(router.evaluation)})
        if activate:
            _activate(model, by=by)
    return model


def router_activate(model: RouterModel, *, by) -> RouterModel:
    """Make `model` the version every server answers with (also to roll back). Raises NotPermitted."""
    require(by, Action.TRAIN_ROUTER)
    with transaction.atomic():
        _activate(model, by=by)
    return model


def _activate(model: RouterModel, *, by) -> None:
    before = RouterModel.objects.filter(is_active=True).values_list("version", flat=True).first()
    RouterModel.objects.filter(is_active=True).exclude(pk=model.pk).update(is_active=False)
    RouterModel.objects.filter(pk=model.pk).update(is_active=True)
    model.is_active = True
    audit_record(model, "router_activate", by=by, before={"version": before}, after={"version": model.version})


def _brief(evaluation: dict) -> dict:
    return {head: {k: (evaluation.get(head) or {}).get(k) for k in ("accuracy", "macro_f1")}
            for head in ("category", "unit")}
