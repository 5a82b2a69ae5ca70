"""The router's model, free of Django: character n-gram and word TF-IDF features with the text's latent
topics (one fitted `Features` shared by both heads) and a NB-weighted linear SVM per target — the category
and the lead unit.

Designed for any district's taxonomy: dozens of unbalanced categories, a catch-all 其他, hundreds of
units. A class with a single example is trained on but never held out; a target with one class only
answers that class. The district's category tree teaches too: each category's name (its sub-categories'
names above all — 城乡建设 → 物业管理 → 物业收费) is one more short training text for the nearest category
the examples are labelled with (`tree_texts`). Confidence is a softmax over the SVM's margins (monotone in
the margin, in [0, 1]), good enough to rank and to gate auto-dispatch at a high threshold.

Beside the SVM, the examples themselves vote (`Neighbours`): the text's cosine similarity over the same
lexical features to every stored example, the top `KNN_K` examples' similarity-weighted votes per class divided
by the class's share of the examples (a rare class's neighbour counts for more: macro-F1 over unbalanced
classes), normalised to a distribution and mixed with the SVM's softmax: (1 − KNN_MIX)·softmax(margins /
KNN_TEMPERATURE) + KNN_MIX·votes. That mixture is the confidence. k, the weighting, the temperature and
the mix were chosen by cross-validation inside the training portion (docs/routing.md).
"""

import time
from collections import Counter
from dataclasses import dataclass, field
from itertools import repeat

import numpy as np
from scipy import sparse
from scipy.sparse import hstack
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import normalize
from sklearn.svm import LinearSVC

from dajuan.routing import text as textlib

HELD_OUT = 0.2
RANDOM_STATE = 0
TITLE_WEIGHT = 0.5  # the title view's weight beside the whole text's two views (chosen by CV, docs/routing.md)
TOPICS = 200  # latent dimensions of the topic view (chosen by CV, docs/routing.md)
TOPIC_TERMS = 20_000  # the character n-grams the topics are fitted over: those in the most texts
TOPIC_WEIGHT = 0.5  # the topic view's weight
MARGIN_TEMPERATURE = 0.25  # softmax(margin / T): a margin of 1 against 0 reads as ~98% (without neighbours)
KNN_K = 20  # neighbours that vote (chosen by CV, docs/routing.md)
KNN_MIX = 0.3  # the neighbours' share of the blended distribution
KNN_TEMPERATURE = 0.5  # softmax(margin / T) of the SVM in the blend
NEIGHBOURS_MAX = 20_000  # examples kept to vote (the most recent): bounds the stored model and the lookup
NEIGHBOUR_TERMS: int | None = 256  # each stored example keeps its strongest terms only (chosen by CV; None: all)


@dataclass
class Guess:
    label: str
    confidence: float


class Features:
    """Character 1–3-grams and rjieba words of the whole text, plus character 1–3-grams of its title (the
    first line, `text.title`) at half weight: each view sublinear TF-IDF (min_df 2, L2-normalised), stacked
    (the lexical columns); then the text's topics (`Topics`) at half weight. A title says in a few
    characters what the case is about; its own view lets its n-grams weigh apart from the same n-grams
    further down the content."""

    titles: TfidfVectorizer | None = None  # absent from models pickled before the title view
    topics: "Topics | None" = None  # absent from models pickled before the topic view

    def __init__(self, *, max_features: int | None = 300_000, title_weight: float = TITLE_WEIGHT):
        self.chars = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=2,
                                     max_features=max_features, dtype=np.float32)
        self.words = TfidfVectorizer(tokenizer=textlib.words, token_pattern=None, lowercase=False,
                                     ngram_range=(1, 1), sublinear_tf=True, min_df=2,
                                     max_features=max_features, dtype=np.float32)
        self.titles = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=2,
                                      max_features=max_features, dtype=np.float32)
        self.title_weight = title_weight

    def _views(self, text: str):
        """(vectoriser, its input, weight) per view of one text."""
        views = [(self.chars, textlib.chars(text), 1.0), (self.words, text, 1.0)]
        if self.titles is not None:
            views.append((self.titles, textlib.chars(textlib.title(text)), self.title_weight))
        return views

    def _stack(self, texts: list[str], fit: bool):
        per_text = [self._views(t) for t in texts]
        blocks = []
        for i, (vectoriser, _source, weight) in enumerate(per_text[0] if per_text else self._views("")):
            sources = [views[i][1] for views in per_text]
            block = vectoriser.fit_transform(sources) if fit else vectoriser.transform(sources)
            blocks.append(block * np.float32(weight) if weight != 1.0 else block)
        if fit:
            self.topics = Topics.fitted(blocks[0])
        if self.topics is not None:
            blocks.append(self.topics.transform(blocks[0]))
        return hstack(blocks).tocsr()

    def fit_transform(self, texts: list[str]):
        return self._stack(texts, fit=True)

    def transform(self, texts: list[str]):
        return self._stack(texts, fit=False)

    def one(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(columns, values) of one text's row, as `transform` gives it, without sklearn's per-call
        validation: the suggestion path, where one text is scored at a time."""
        cols, vals = [], []
        offset, chars = 0, None
        for vectoriser, source, weight in self._views(text):
            analyse = vectoriser.build_analyzer()
            counts = Counter(analyse(source))  # counted in C; each distinct term looked up once, below
            columns = np.fromiter(map(vectoriser.vocabulary_.get, counts, repeat(-1)), dtype=np.int64,
                                  count=len(counts))
            known = columns >= 0
            if known.any():
                idx = columns[known]
                tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))[known]
                w = (1.0 + np.log(tf)) * vectoriser.idf_[idx]
                cols.append(idx + offset)
                vals.append(weight * w / np.linalg.norm(w))
                if vectoriser is self.chars:
                    chars = (cols[-1], vals[-1])  # the first view: its columns are the block's own
            offset += len(vectoriser.vocabulary_)
        if self.topics is not None and chars is not None:
            cols.append(offset + np.arange(self.topics.dims))
            vals.append(self.topics.one(*chars))
        if not cols:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        return np.concatenate(cols), np.concatenate(vals)

    @property
    def lexical(self) -> int:
        """How many columns the n-gram and word views take (the topics follow them)."""
        return sum(len(vectoriser.vocabulary_) for vectoriser, _source, _weight in self._views(""))

    @property
    def size(self) -> int:
        return self.lexical + (self.topics.dims if self.topics is not None else 0)


class Topics:
    """The text's topics, latent semantic analysis over the character view: its row, restricted to the
    `TOPIC_TERMS` n-grams found in the most training texts, projected onto the `TOPICS` leading singular
    vectors of the training rows, L2-normalised, at `TOPIC_WEIGHT`. N-grams that keep company — 电梯 and
    停运 with 物业 — land on the same directions, so two texts that say one thing in different characters
    share features the n-grams alone do not give them. Stored as a terms × topics float16 matrix (~8 MB)."""

    def __init__(self, terms: np.ndarray, components: np.ndarray, width: int, weight: float = TOPIC_WEIGHT):
        self.position = np.full(width, -1, dtype=np.int32)  # character column → row of `components`
        self.position[terms] = np.arange(len(terms), dtype=np.int32)
        self.components = components.astype(np.float16)  # terms × topics
        self.weight = weight

    @classmethod
    def fitted(cls, chars, *, topics: int = TOPICS, terms: int = TOPIC_TERMS) -> "Topics | None":
        """Fitted on the training texts' character rows; None when they are too few to have topics."""
        in_texts = np.bincount(chars.indices, minlength=chars.shape[1])
        kept = np.sort(np.argsort(-in_texts, kind="stable")[:terms]).astype(np.int32)
        dims = min(topics, len(kept) - 1, chars.shape[0] - 1)
        if dims < 2:
            return None
        svd = TruncatedSVD(dims, random_state=RANDOM_STATE).fit(chars[:, kept])
        return cls(kept, svd.components_.T, chars.shape[1])

    @property
    def dims(self) -> int:
        return self.components.shape[1]

    def transform(self, chars):
        """texts × topics (CSR, as the other views are) from the texts' character rows."""
        terms = np.flatnonzero(self.position >= 0)  # sorted, as `components` rows are
        Z = np.asarray(chars[:, terms] @ self.components.astype(np.float32))
        return sparse.csr_matrix(self.weight * normalize(Z))

    def one(self, columns: np.ndarray, values: np.ndarray) -> np.ndarray:
        """One text's topics from its character row as (columns, values)."""
        rows = self.position[columns]
        known = rows >= 0
        z = values[known].astype(np.float32) @ self.components[rows[known]].astype(np.float32)
        norm = np.linalg.norm(z)
        return self.weight * z / norm if norm else z


class Neighbours:
    """The training examples as voters: their feature rows, each cut to its `NEIGHBOUR_TERMS` strongest
    terms and L2-normalised, stored as a features × examples float32 CSR matrix (int32 indices), so one
    text's columns pick exactly the rows its similarity needs. The most recent `NEIGHBOURS_MAX` examples are
    kept: at most 256 values of 8 bytes per example, ~18 MB (~11 MB compressed) for 9,210 messages, at most
    ~40 MB for 20,000."""

    def __init__(self, X, *, limit: int = NEIGHBOURS_MAX):
        X = X[-limit:] if X.shape[0] > limit else X
        X = normalize(X.astype(np.float32)).tocsr()
        if NEIGHBOUR_TERMS:
            X = _strongest(X, NEIGHBOUR_TERMS)
        columns = normalize(X).T.tocsr()
        columns.indices = columns.indices.astype(np.int32)
        columns.indptr = columns.indptr.astype(np.int64 if columns.nnz >= 2**31 else np.int32)
        self.columns = columns
        self.kept = X.shape[0]  # the last `kept` examples of the fit

    def similarities(self, X) -> np.ndarray:
        """Cosine similarity of each text (a matrix, or one text as (columns, values)) to every kept example:
        texts × examples, float32."""
        if isinstance(X, tuple):
            cols, vals = X
            norm = np.linalg.norm(vals)
            if not len(cols) or norm == 0:
                return np.zeros((1, self.kept), dtype=np.float32)
            v = (vals / norm).astype(np.float32)
            return (self.columns[cols].T @ v)[None, :]
        out = np.zeros((X.shape[0], self.kept), dtype=np.float32)
        for first in range(0, X.shape[0], 1000):  # bounded memory for a big evaluation batch
            block = normalize(X[first:first + 1000].astype(np.float32))
            out[first:first + block.shape[0]] = (block @ self.columns).toarray()
        return out


def _strongest(X, terms: int):
    """Each row's `terms` largest values (rows as CSR), the rest dropped."""
    keep = np.ones(X.nnz, dtype=bool)
    for i in range(X.shape[0]):
        start, end = X.indptr[i], X.indptr[i + 1]
        if end - start > terms:
            row = X.data[start:end]
            keep[start:end] = False
            keep[start + np.argpartition(-row, terms - 1)[:terms]] = True
    X = X.copy()
    X.data[~keep] = 0
    X.eliminate_zeros()
    return X


class Head:
    """One target (category or unit): NB-weighted linear SVMs, one against the rest per class (NBSVM,
    Wang & Manning 2012): each class's features are scaled by their log-count ratio between that class
    and the others before its SVM is fit; the scaling is folded into one weight row per class, so the
    stored model is a plain (classes × features) matrix. A target with one class answers it."""

    def __init__(self, *, C: float = 1.0, alpha: float = 1.0):
        self.C, self.alpha = C, alpha
        self.classes_: np.ndarray = np.array([])
        self.weights: np.ndarray | None = None  # classes × features, float32
        self.bias: np.ndarray | None = None
        self.voters: np.ndarray | None = None  # per kept example (Neighbours), the index of its class
        self.shares: np.ndarray | None = None  # each class's share of the kept examples

    voters = shares = None  # absent from models pickled before the neighbours

    def vote_with(self, labels: list[str]) -> "Head":
        """Let the examples labelled `labels` (the kept ones of `Neighbours`, in order) vote."""
        index = {str(label): i for i, label in enumerate(self.classes_)}
        self.voters = np.array([index[str(label)] for label in labels], dtype=np.int32)
        counts = np.bincount(self.voters, minlength=len(self.classes_)).astype(np.float32)
        self.shares = np.maximum(counts, 1) / max(len(self.voters), 1)
        return self

    def fit(self, X, labels: list[str]) -> "Head":
        y = np.asarray(labels)
        self.classes_ = np.unique(y)
        if len(self.classes_) < 2:
            return self
        present = (X > 0).astype(np.float32).tocsr()
        total = np.asarray(present.sum(axis=0)).ravel()
        weights, bias = [], []
        for label in self.classes_:
            mine = y == label
            pos = np.asarray(present[mine].sum(axis=0)).ravel() + self.alpha
            neg = total - pos + 2 * self.alpha
            ratio = np.log((pos / pos.sum()) / (neg / neg.sum())).astype(np.float32)
            svm = LinearSVC(C=self.C).fit(X @ sparse.diags(ratio), mine.astype(np.int8))
            weights.append((svm.coef_.ravel() * ratio).astype(np.float32))
            bias.append(float(svm.intercept_[0]))
        self.weights, self.bias = np.vstack(weights), np.asarray(bias, dtype=np.float32)
        return self

    def relabelled(self, mapping: dict[str, str]) -> "Head":
        """The same head answering `mapping[label]` for each of its labels (a one-to-one mapping)."""
        head = Head(C=self.C, alpha=self.alpha)
        new = np.array([mapping[str(label)] for label in self.classes_])
        order = np.argsort(new, kind="stable")
        head.classes_ = new[order]
        if self.weights is not None:
            head.weights, head.bias = self.weights[order], self.bias[order]
        if self.voters is not None:
            position = np.empty(len(order), dtype=np.int32)
            position[order] = np.arange(len(order), dtype=np.int32)
            head.voters, head.shares = position[self.voters], self.shares[order]
        return head

    def margins(self, X) -> np.ndarray:
        if isinstance(X, tuple):  # one text as (columns, values), from Features.one
            cols, vals = X
            return (self.weights[:, cols] @ vals + self.bias)[None, :]
        return np.asarray(X @ self.weights.T) + self.bias

    def votes(self, similarities: np.ndarray) -> np.ndarray:
        """texts × classes: the top KNN_K examples' similarities summed per class, divided by the class's
        share of the examples, normalised to sum 1 (all zeros when no example shares a feature)."""
        n, kept = similarities.shape
        k = min(KNN_K, kept)
        nearest = np.argpartition(-similarities, k - 1, axis=1)[:, :k] if k < kept else \
            np.broadcast_to(np.arange(kept), (n, kept))
        weight = np.take_along_axis(similarities, nearest, axis=1).clip(min=0)
        votes = np.zeros((n, len(self.classes_)), dtype=np.float64)
        np.add.at(votes, (np.repeat(np.arange(n), k), self.voters[nearest].ravel()), weight.ravel())
        votes /= self.shares
        return votes / np.maximum(votes.sum(axis=1, keepdims=True), 1e-12)

    def probabilities(self, X, similarities: np.ndarray | None = None) -> np.ndarray:
        """texts × classes: softmax of the margins, blended with the neighbours' votes when they vote."""
        blend = similarities is not None and self.voters is not None and similarities.shape[1] == len(self.voters)
        z = self.margins(X) / (KNN_TEMPERATURE if blend else MARGIN_TEMPERATURE)
        z -= z.max(axis=1, keepdims=True)
        probs = np.exp(z)
        probs /= probs.sum(axis=1, keepdims=True)
        if blend:
            probs = (1 - KNN_MIX) * probs + KNN_MIX * self.votes(similarities)
        return probs

    def predict(self, X, similarities: np.ndarray | None = None) -> list[str]:
        if self.weights is None:
            return [str(self.classes_[0]) if len(self.classes_) else None] * X.shape[0]
        return [str(label) for label in self.classes_[self.probabilities(X, similarities).argmax(axis=1)]]

    def top(self, X, k: int, similarities: np.ndarray | None = None) -> list[list[Guess]]:
        if self.weights is None:
            only = [Guess(str(self.classes_[0]), 1.0)] if len(self.classes_) else []
            return [only for _ in range(1 if isinstance(X, tuple) else X.shape[0])]
        probs = self.probabilities(X, similarities)
        order = np.argsort(-probs, axis=1)[:, :k]
        return [[Guess(str(self.classes_[j]), float(p[j])) for j in row]
                for row, p in zip(order, probs, strict=True)]


@dataclass
class Router:
    """A trained router: features, a category head and a unit head, with what it was trained on."""

    features: Features
    category: Head
    unit: Head
    trained_on: int = 0
    evaluation: dict = field(default_factory=dict)
    neighbours: Neighbours | None = None  # None: the SVM alone (and models pickled before the neighbours)

    def similarities(self, X) -> np.ndarray | None:
        """The examples' similarities to the texts, over the lexical columns (the topics' broad likeness
        made the vote worse, docs/routing.md)."""
        if self.neighbours is None:
            return None
        width = self.features.lexical
        if isinstance(X, tuple):
            cols, vals = X
            return self.neighbours.similarities((cols[cols < width], vals[cols < width]))
        return self.neighbours.similarities(X[:, :width] if X.shape[1] > width else X)

    def suggest(self, text: str, k: int = 3) -> dict[str, list[Guess]]:
        X = self.features.one(text)
        sims = self.similarities(X)
        return {"category": self.category.top(X, k, sims)[0], "unit": self.unit.top(X, k, sims)[0]}


def fit(texts: list[str], categories: list[str], units: list[str], *, C: float = 1.0,
        tree: list[tuple[str, str]] = (), neighbours: bool = True) -> Router:
    """`tree`: (name, category) pairs from `tree_texts`, extra training texts of the category head (the unit
    head learns from the examples only, unless it is the category head under the units' names). The
    examples (not the tree texts) vote as `Neighbours` unless `neighbours` is off."""
    features = Features()
    X = features.fit_transform(list(texts) + [name for name, _label in tree])
    category = Head(C=C).fit(X, list(categories) + [label for _name, label in tree])
    voting = neighbours and len(texts) and category.weights is not None
    voters = Neighbours(X[:len(texts), :features.lexical]) if voting else None
    if voters is not None:
        category.vote_with(list(categories)[len(texts) - voters.kept:])
    same = one_to_one(categories, units)  # the same partition: the same fit, under the units' names
    if same is not None:
        unit = category.relabelled(same)
    else:
        unit = Head(C=C).fit(X[:len(texts)], units)
        if voters is not None and unit.weights is not None:
            unit.vote_with(list(units)[len(texts) - voters.kept:])
    return Router(features, category, unit, trained_on=len(texts), neighbours=voters)


def tree_texts(nodes: list[tuple[str, str, str | None]], labels) -> list[tuple[str, str]]:
    """(name, label) training texts from the category tree, given as (code, name, parent code) rows: each
    category's name teaches the nearest of itself and its ancestors that is among `labels` (the categories
    the examples are labelled with). A name that would teach two labels (a catch-all 其他 under every
    branch) or is a single character teaches nothing; categories outside the labelled branches are skipped."""
    parent = {code: up for code, _name, up in nodes}
    labels = set(labels)
    taught: dict[str, set[str]] = {}
    for code, name, _up in nodes:
        node, seen = code, 0
        while node is not None and node not in labels and seen < 10:
            node, seen = parent.get(node), seen + 1
        name = (name or "").strip()
        if node in labels and len(name) >= 2:
            taught.setdefault(name, set()).add(node)
    return sorted((name, next(iter(found))) for name, found in taught.items() if len(found) == 1)


def one_to_one(a: list[str], b: list[str]) -> dict[str, str] | None:
    """a → b when the two labellings split the examples the same way (each category has its own unit),
    else None."""
    pairs = set(zip(a, b, strict=True))
    forward = dict(pairs)
    if len(forward) != len(pairs) or len({v for _k, v in pairs}) != len(pairs):
        return None
    return forward


def split(labels: list[str]) -> tuple[list[int], list[int]]:
    """The fixed held-out split: stratified on `labels`, 20%, random_state=0, over the examples in the
    order given. Classes with a single example stay in training (they cannot be stratified)."""
    counts = Counter(labels)
    rare = [i for i, label in enumerate(labels) if counts[label] < 2]
    common = [i for i, label in enumerate(labels) if counts[label] >= 2]
    if len(common) < 5 or len({labels[i] for i in common}) < 2:
        return list(range(len(labels))), []
    train, test = train_test_split(common, test_size=HELD_OUT, random_state=RANDOM_STATE,
                                   stratify=[labels[i] for i in common])
    return sorted(train + rare), sorted(test)


def scores(truth: list[str], predicted: list[str]) -> dict:
    labels = sorted(set(truth))
    per_class = f1_score(truth, predicted, labels=labels, average=None, zero_division=0)
    return {
        "accuracy": round(float(accuracy_score(truth, predicted)), 4),
        "macro_f1": round(float(f1_score(truth, predicted, labels=labels, average="macro", zero_division=0)), 4),
        "per_class_f1": {label: round(float(v), 4) for label, v in zip(labels, per_class, strict=True)},
        "held_out": len(truth),
    }


def train_and_evaluate(texts: list[str], categories: list[str], units: list[str], *, C: float = 1.0,
                       refit: bool = True, tree: list[tuple[str, str]] = ()) -> Router:
    """Evaluate on the fixed held-out split (stratified on category), then refit on every example so the
    served model has seen all of them. `evaluation` holds both heads' scores and the times. The `tree`
    texts (`tree_texts`) train both fits and are never held out."""
    started = time.perf_counter()
    train, test = split(categories)
    evaluation: dict = {"examples": len(texts)}
    if test:
        pick = lambda values, idx: [values[i] for i in idx]  # noqa: E731
        held = fit(pick(texts, train), pick(categories, train), pick(units, train), C=C, tree=tree)
        X = held.features.transform(pick(texts, test))
        sims = held.similarities(X)
        evaluation["category"] = scores(pick(categories, test), held.category.predict(X, sims))
        evaluation["unit"] = scores(pick(units, test), held.unit.predict(X, sims))
        evaluation["evaluate_seconds"] = round(time.perf_counter() - started, 2)
        router = held
    if refit or not test:
        fitted_at = time.perf_counter()
        router = fit(texts, categories, units, C=C, tree=tree)
        evaluation["fit_seconds"] = round(time.perf_counter() - fitted_at, 2)
    evaluation["features"] = router.features.size
    if router.neighbours is not None:
        evaluation["neighbours"] = router.neighbours.kept
    evaluation["tree_texts"] = len(tree)
    router.evaluation = evaluation
    return router
