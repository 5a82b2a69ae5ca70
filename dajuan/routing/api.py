"""Dispatch intelligence over the API: the router's suggestion, similar cases and possible duplicates of
a case the token's user may see (404 otherwise; 403 when their role may not ask)."""

from ninja import Query, Router, Schema, Status

from dajuan.api.cases import ERRORS, visible_case
from dajuan.routing import similar, suggestions

router = Router(tags=["dispatch intelligence"])


class GuessOut(Schema):
    code: str
    name: str
    confidence: float


class SuggestionOut(Schema):
    model_version: int | None
    categories: list[GuessOut]
    units: list[GuessOut]
    milliseconds: float


class SimilarOut(Schema):
    number: str
    title: str
    status: str
    score: float
    reply: str = ""


class SimilarQuery(Schema):
    k: int = 5


@router.get("/cases/{number}/suggestions", response={200: SuggestionOut, **ERRORS})
def case_suggestions(request, number: str):
    """Suggested category and lead unit with confidence (dispatchers); empty lists before any training."""
    s = suggestions.suggestion_for(request.auth, visible_case(request.auth, number))
    return Status(200, {"model_version": s.version, "milliseconds": s.milliseconds,
                 "categories": [{"code": c.code, "name": c.name, "confidence": round(p, 4)} for c, p in s.categories],
                 "units": [{"code": u.code, "name": u.name, "confidence": round(p, 4)} for u, p in s.units]})


def _rows(found):
    return [{"number": s.case.number, "title": s.case.title, "status": s.case.status, "score": s.score,
             "reply": s.reply} for s in found]


@router.get("/cases/{number}/similar", response={200: list[SimilarOut], **ERRORS})
def case_similar(request, number: str, query: Query[SimilarQuery]):
    """The most similar past cases this user may see, with their replies (k at most 20)."""
    k = max(1, min(query.k, 20))
    return Status(200, _rows(similar.similar_cases(request.auth, visible_case(request.auth, number), k=k)))


@router.get("/cases/{number}/duplicates", response={200: list[SimilarOut], **ERRORS})
def case_duplicates(request, number: str):
    """Possible duplicates to merge (POST /cases/{number}/merge with the other number), for dispatchers."""
    return Status(200, _rows(similar.duplicates_for(request.auth, visible_case(request.auth, number))))
