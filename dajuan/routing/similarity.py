"""A similar-text index that stays fast at a million cases, free of Django.

Each text becomes a *signature*: its `terms_per_doc` most telling hashed character 2–3-grams (by
sublinear tf × idf), L2-normalised. Signatures are kept as an inverted index (a CSC matrix: term →
documents), so a query touches only the posting lists of its own signature terms; a rare term has a
short list and a common one rarely makes it into a signature. Scores are the dot product of
signatures (a cosine over the kept terms). Texts added after the build go to a small tail searched by a
sparse product and folded into the main index when it grows.
"""

import json
import math
import os
import tempfile

import numpy as np
from scipy import sparse

from dajuan.routing.text import chars

N_FEATURES = 2**21
TAIL_LIMIT = 20_000
CHUNK = 50_000


class SimilarityIndex:
    def __init__(self, *, terms_per_doc: int = 32):
        self.terms_per_doc = terms_per_doc
        self.df = np.zeros(N_FEATURES, dtype=np.int32)
        self.n_docs = 0
        self.ids = np.zeros(0, dtype=np.int64)
        self.main = sparse.csc_matrix((0, N_FEATURES), dtype=np.float32)  # documents × terms, by column
        self.tail_ids: list[np.ndarray] = []
        self.tail: list[sparse.csr_matrix] = []

    def __len__(self) -> int:
        return len(self.ids) + sum(len(t) for t in self.tail_ids)

    # --- building --------------------------------------------------------------------------------

    def build(self, ids, texts, *, progress=None) -> "SimilarityIndex":
        """(Re)build from scratch in two passes over chunks — document frequencies, then signatures —
        so memory holds one chunk's n-gram counts at a time, not the whole corpus's."""
        ids = np.asarray(ids, dtype=np.int64)
        for start in range(0, len(texts), CHUNK):
            X = self._counts(texts[start:start + CHUNK])
            self.df += np.bincount(X.indices, minlength=N_FEATURES).astype(np.int32)
            if progress:
                progress(min(start + CHUNK, len(texts)) // 2, len(texts))
        self.n_docs = len(texts)
        rows = []
        for start in range(0, len(texts), CHUNK):
            rows.append(self._signatures(self._counts(texts[start:start + CHUNK])))
            if progress:
                progress((len(texts) + min(start + CHUNK, len(texts))) // 2, len(texts))
        self.ids = ids
        self.main = (sparse.vstack(rows).tocsc() if rows else self.main)
        self.tail_ids, self.tail = [], []
        return self

    def add(self, ids, texts) -> None:
        """Index texts registered after the build (document frequencies updated, old signatures kept)."""
        if not len(texts):
            return
        X = self._counts(texts)
        self.df += np.bincount(X.indices, minlength=N_FEATURES).astype(np.int32)
        self.n_docs += len(texts)
        self.tail_ids.append(np.asarray(ids, dtype=np.int64))
        self.tail.append(self._signatures(X))
        if sum(len(t) for t in self.tail_ids) > TAIL_LIMIT:
            self.ids = np.concatenate([self.ids, *self.tail_ids])
            self.main = sparse.vstack([self.main.tocsr(), *self.tail]).tocsc()
            self.tail_ids, self.tail = [], []

    # --- snapshots -------------------------------------------------------------------------------

    def save(self, path, *, meta: dict) -> None:
        """Write the index (tail folded in) with `meta` to `path` atomically, as an uncompressed .npz that
        `load` reads in about a second at a million documents."""
        ids = np.concatenate([self.ids, *self.tail_ids])
        main = sparse.vstack([self.main.tocsr(), *self.tail]).tocsc() if self.tail else self.main
        folder = os.path.dirname(os.path.abspath(path))
        os.makedirs(folder, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".npz")
        with os.fdopen(fd, "wb") as f:
            np.savez(f, df=self.df, ids=ids, data=main.data, indices=main.indices, indptr=main.indptr,
                     header=np.frombuffer(json.dumps({"n_docs": self.n_docs, "terms_per_doc": self.terms_per_doc,
                                                      "n_features": N_FEATURES, "meta": meta}).encode(),
                                          dtype=np.uint8))
        os.replace(tmp, path)

    @classmethod
    def load(cls, path) -> tuple["SimilarityIndex", dict]:
        """(index, meta) from a `save`d file. Raises OSError or ValueError for a missing or foreign file."""
        with np.load(path, allow_pickle=False) as f:
            header = json.loads(bytes(f["header"]).decode())
            if header.get("n_features") != N_FEATURES:
                raise ValueError("snapshot made with another feature space")
            index = cls(terms_per_doc=header["terms_per_doc"])
            index.df, index.n_docs, index.ids = f["df"], header["n_docs"], f["ids"]
            index.main = sparse.csc_matrix((f["data"], f["indices"], f["indptr"]),
                                           shape=(len(index.ids), N_FEATURES))
        return index, header["meta"]

    def _counts(self, texts) -> sparse.csr_matrix:
        return ngram_counts(texts)

    def _idf(self, columns: np.ndarray) -> np.ndarray:
        return np.log((self.n_docs + 1) / (self.df[columns] + 1)).astype(np.float32) + 1.0

    def _signatures(self, X: sparse.csr_matrix) -> sparse.csr_matrix:
        """Keep each row's top terms by (1 + log tf) × idf, L2-normalised."""
        X = X.copy()
        X.data = (1.0 + np.log(X.data)) * self._idf(X.indices)
        n_rows = X.shape[0]
        row_of = np.repeat(np.arange(n_rows), np.diff(X.indptr))
        order = np.lexsort((-X.data, row_of))  # by row, heaviest first
        rank = np.arange(len(order)) - np.repeat(X.indptr[:-1], np.diff(X.indptr))
        keep = order[rank < self.terms_per_doc]
        rows, cols, vals = row_of[keep], X.indices[keep], X.data[keep]
        norms = np.sqrt(np.bincount(rows, weights=vals.astype(np.float64) ** 2, minlength=n_rows))
        vals = (vals / np.maximum(norms[rows], 1e-9)).astype(np.float32)
        return sparse.csr_matrix((vals, (rows, cols)), shape=(n_rows, N_FEATURES))

    # --- querying --------------------------------------------------------------------------------

    def signature(self, text: str) -> sparse.csr_matrix:
        return self._signatures(self._counts([text]))

    def query(self, text: str, k: int = 10) -> list[tuple[int, float]]:
        """The `k` most similar indexed texts as (id, score), best first; score in [0, 1]."""
        q = self.signature(text)
        if q.nnz == 0 or len(self) == 0:
            return []
        terms, weights = q.indices, q.data
        found_ids, found_scores = [], []
        if self.main.shape[0]:
            starts, ends = self.main.indptr[terms], self.main.indptr[terms + 1]
            if (ends - starts).sum():
                rows = np.concatenate([self.main.indices[s:e] for s, e in zip(starts, ends, strict=True)])
                vals = np.concatenate([self.main.data[s:e] * w for s, e, w in zip(starts, ends, weights,
                                                                                  strict=True)])
                # Accumulate over the documents the query's postings touch, not over every document:
                # a query touches thousands of a million, so the work follows its postings.
                touched, where = np.unique(rows, return_inverse=True)
                scores = np.bincount(where, weights=vals, minlength=len(touched))
                top = _top(scores, k)
                found_ids.append(self.ids[touched[top]])
                found_scores.append(scores[top])
        for ids, block in zip(self.tail_ids, self.tail, strict=True):
            scores = np.asarray((block @ q.T).todense()).ravel()
            top = _top(scores, k)
            found_ids.append(ids[top])
            found_scores.append(scores[top])
        if not found_ids:
            return []
        all_ids, all_scores = np.concatenate(found_ids), np.concatenate(found_scores)
        best = np.argsort(-all_scores, kind="stable")[:k]
        return [(int(all_ids[i]), round(float(all_scores[i]), 4)) for i in best if all_scores[i] > 0]


_M1, _M2, _M3 = np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F), np.uint64(0x165667B19E3779F9)
_SHIFT = np.uint64(64 - int(math.log2(N_FEATURES)))


def ngram_counts(texts) -> sparse.csr_matrix:
    """Counts of hashed character 2- and 3-grams per text (documents × N_FEATURES), computed over all
    texts at once with numpy: the texts are joined with NUL separators and every n-gram that does not
    cross a separator is hashed by multiply-shift."""
    joined = "\x00".join(chars(t).replace("\x00", "") for t in texts) + "\x00"
    c = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    sep = c == 0
    doc = np.cumsum(sep) - sep
    ok2 = ~sep[:-1] & ~sep[1:]
    ok3 = ok2[:-1] & ~sep[2:]
    with np.errstate(over="ignore"):
        h2 = ((c[:-1] * _M1) ^ (c[1:] * _M2)) * _M3
        h3 = ((c[:-2] * _M1) ^ (c[1:-1] * _M2) ^ (c[2:] * _M3)) * _M1
    rows = np.concatenate([doc[:-1][ok2], doc[:-2][ok3]])
    cols = np.concatenate([h2[ok2] >> _SHIFT, h3[ok3] >> _SHIFT]).astype(np.int64)
    data = np.ones(len(rows), dtype=np.float32)
    X = sparse.csr_matrix((data, (rows, cols)), shape=(len(texts), N_FEATURES))
    X.sum_duplicates()
    return X


def _top(scores: np.ndarray, k: int) -> np.ndarray:
    k = min(k, len(scores))
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    part = np.argpartition(-scores, k - 1)[:k]
    return part[np.argsort(-scores[part], kind="stable")]


def shingles(text: str, n: int = 3) -> set[str]:
    t = chars(text)
    return {t[i:i + n] for i in range(max(len(t) - n + 1, 1))}


def jaccard(a: str, b: str) -> float:
    """Jaccard similarity of character 3-gram sets: the exact check behind a duplicate flag."""
    sa, sb = shingles(a), shingles(b)
    return len(sa & sb) / len(sa | sb) if sa and sb else 0.0


