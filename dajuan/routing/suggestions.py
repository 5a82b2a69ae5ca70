"""Suggested category and lead unit for a case (selectors: reads only).

The active RouterModel is loaded once per process and replaced as soon as another version becomes
active: every call asks the database which version is active (one indexed single-row query), so a
`train_router` run or a rollback is picked up by every server without a restart. That query is the
only one a suggestion makes: the categories and units the model can name are kept beside it, re-read
when the version changes, when a category or unit is saved in this process, and at least every
LABEL_ROWS_SECONDS (for changes made by other processes).
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

LABEL_ROWS_SECONDS = 30.0

_lock = threading.Lock()
_loaded: dict = {"pk": None, "version": None, "router": None}
_label_rows: dict = {"pk": None, "at": 0.0, "categories": {}, "units": {}}


def forget_label_rows(**kwargs) -> None:
    """Signal receiver (cache invalidation only): a category or unit changed."""
    _label_rows["pk"] = None


def _rows_for(pk: tuple, router: classifier.Router) -> tuple[dict, dict]:
    """code → Category and code → Unit for every label the model knows."""
    rows = _label_rows
    if rows["pk"] != pk or time.monotonic() - rows["at"] > LABEL_ROWS_SECONDS:
        categories = Category.objects.in_bulk([str(c) for c in router.category.classes_], field_name="code")
        units = Unit.objects.in_bulk([str(u) for u in router.unit.classes_], field_name="code")
        rows.update(pk=pk, at=time.monotonic(), categories=categories, units=units)
    return rows["categories"], rows["units"]


def active_router() -> tuple[int, classifier.Router] | None:
    """(version, router) of the active model, loading it if another version became active; None if
    no model was trained yet."""
    # Unordered, and only columns stored before the model blob: SQLite answers from the partial index
    # routermodel_one_active and the row's first page. (ORDER BY, or a column after the blob such as
    # is_active or sha256 read from the table, walks the blob's overflow pages: ~20 ms a suggestion.)
    row = next(iter(RouterModel.objects.filter(is_active=True).values_list("pk", "version", "created_at")[:1]),
               None)
    if row is None:
        return None
    key, version = (row[0], row[2]), row[1]  # the time too: a primary key can be reused (rolled back)
    if _loaded["pk"] != key:
        with _lock:
            if _loaded["pk"] != key:
                blob = RouterModel.objects.values_list("blob", flat=True).get(pk=key[0])
                _loaded.update(pk=key, version=version, router=load(blob))
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
    categories, units = _rows_for(_loaded["pk"], router)
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
