"""Suggested category and lead unit for a case (selectors: reads only).

The active RouterModel is loaded once per process and replaced as soon as another version becomes
active: every call asks the database which version is active (one indexed single-row query), so a
`train_router` run or a rollback is picked up by every server without a restart.
"""

import threading
import time
from dataclasses import dataclass, field

from dajuan.access.actions import Action
from dajuan.access.policy import require
from dajuan.cases.models import Case, Category
from dajuan.org.models import Unit
from dajuan.routing import classifier
from dajuan.routing.models import RouterModel
from dajuan.routing.text import case_text
from dajuan.routing.training import load

_lock = threading.Lock()
_loaded: dict = {"pk": None, "version": None, "router": None}


def active_router() -> tuple[int, classifier.Router] | None:
    """(version, router) of the active model, loading it if another version became active; None if
    no model was trained yet."""
    row = RouterModel.objects.filter(is_active=True).values_list("pk", "version").first()
    if row is None:
        return None
    pk, version = row
    if _loaded["pk"] != pk:
        with _lock:
            if _loaded["pk"] != pk:
                blob = RouterModel.objects.values_list("blob", flat=True).get(pk=pk)
                _loaded.update(pk=pk, version=version, router=load(blob))
    return _loaded["version"], _loaded["router"]


@dataclass
class Suggestion:
    version: int | None = None
    categories: list[tuple[Category, float]] = field(default_factory=list)
    units: list[tuple[Unit, float]] = field(default_factory=list)
    milliseconds: float = 0.0

    @property
    def category(self) -> tuple[Category, float] | None:
        return self.categories[0] if self.categories else None

    @property
    def unit(self) -> tuple[Unit, float] | None:
        return self.units[0] if self.units else None


def suggest_text(text: str, k: int = 3) -> Suggestion:
    """The router's top `k` categories and units for a text, mapped to active rows (a code the model
    learnt that no longer names an active category or unit is dropped). Empty if no model exists."""
    started = time.perf_counter()
    loaded = active_router()
    if loaded is None:
        return Suggestion()
    version, router = loaded
    guesses = router.suggest(text, k=k)
    categories = Category.objects.in_bulk([g.label for g in guesses["category"]], field_name="code")
    units = Unit.objects.in_bulk([g.label for g in guesses["unit"]], field_name="code")
    return Suggestion(
        version=version,
        categories=[(categories[g.label], g.confidence) for g in guesses["category"]
                    if g.label in categories and categories[g.label].is_active],
        units=[(units[g.label], g.confidence) for g in guesses["unit"]
               if g.label in units and units[g.label].is_active],
        milliseconds=round((time.perf_counter() - started) * 1000, 2),
    )


def suggestion_for(user, case: Case, k: int = 3) -> Suggestion:
    """The suggestion shown on the dispatch form and returned by the API. Raises NotPermitted."""
    require(user, Action.VIEW_ROUTING, case)
    return suggest_text(case_text(case.title, case.content), k=k)


def initial_for(user, case: Case) -> dict[str, str]:
    """Dispatch-form initial values from the suggestion, for the fields the case leaves empty: the
    category if none was chosen, the lead unit if the category names no default. Empty for those who
    may not see suggestions, or when no model exists."""
    from dajuan.access.policy import decide

    if not decide(user, Action.VIEW_ROUTING, case):
        return {}
    suggestion = suggest_text(case_text(case.title, case.content), k=1)
    initial = {}
    if case.category is None and suggestion.category:
        initial["category"] = suggestion.category[0].code
    category = case.category or (suggestion.category[0] if suggestion.category else None)
    if suggestion.unit and not (category and category.default_lead_unit_id):
        initial["lead_unit"] = suggestion.unit[0].code
    return initial
