"""Which supervision rule governs a case: `rule_for` for one case, `partition` for the sweep's set-based
queries (disjoint Q objects, one per rule, that together cover every case). Both follow one order:
category and priority, then category alone, then priority alone, then the default rule."""

from dataclasses import dataclass

from django.db.models import Q

from dajuan.supervision.models import SupervisionRule

DEFAULT_RULE = SupervisionRule(category=None, priority="")  # the model's defaults, used when none is saved


@dataclass(frozen=True)
class RuleSet:
    rules: list[SupervisionRule]

    @classmethod
    def load(cls) -> "RuleSet":
        return cls(list(SupervisionRule.objects.select_related("category", "escalate_to")))

    def _index(self) -> dict[tuple[int | None, str], SupervisionRule]:
        return {(r.category_id, r.priority): r for r in self.rules}

    def rule_for(self, category_id: int | None, priority: str) -> SupervisionRule:
        index = self._index()
        for key in ((category_id, priority), (category_id, ""), (None, priority), (None, "")):
            if key in index:
                return index[key]
        return DEFAULT_RULE

    def partition(self, prefix: str = "") -> list[tuple[SupervisionRule, Q]]:
        """(rule, Q over cases, fields under `prefix`) for every rule, plus the default; disjoint, exhaustive."""
        cat, pri = f"{prefix}category_id", f"{prefix}priority"
        index = self._index()
        pairs = [k for k in index if k[0] is not None and k[1]]
        whole_categories = [k[0] for k in index if k[0] is not None and not k[1]]
        priorities = [k[1] for k in index if k[0] is None and k[1]]

        def exact_pair(c, p):
            return Q(**{cat: c, pri: p})

        by_pair = Q(pk__in=[])
        for c, p in pairs:
            by_pair |= exact_pair(c, p)
        in_whole = Q(**{f"{cat}__in": whole_categories})
        out = [(index[(c, p)], exact_pair(c, p)) for c, p in pairs]
        out += [(index[(c, "")], Q(**{cat: c}) & ~by_pair) for c in whole_categories]
        out += [(index[(None, p)], Q(**{pri: p}) & ~by_pair & ~in_whole) for p in priorities]
        rest = ~by_pair & ~in_whole & ~Q(**{f"{pri}__in": priorities})
        out.append((index.get((None, ""), DEFAULT_RULE), rest))
        return out

