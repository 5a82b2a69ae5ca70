"""Benchmark of dispatch intelligence (issue 9) on real data. Prints figures; asserts nothing.

    .venv/bin/python benchmarks/router.py                        # both files, then 1,000,000 similar-case docs
    .venv/bin/python benchmarks/router.py --files raw --similar-size 0
    DAJUAN_DATABASE_URL=postgres://postgres@127.0.0.1:5432/dajuan_bench .venv/bin/python benchmarks/router.py

Router: for each 泰迪杯 2020 C file (read from ../shared/data/tipdm2020c/ at run time, never copied), the
labelled messages are loaded as historical cases through the intake's spreadsheet import (registered,
dispatched to the unit of their label, claimed and replied there, in file order), `train_router`
trains from the database, and its stored evaluation on the fixed stratified 20% held-out split
(random_state=0) is printed: accuracy, macro-F1 and per-class F1, training time, then suggestion
latency (p50/p95 of `suggest_text` over the messages, including the active-version check and the row
look-ups). The district's category tree is 附件1 (the official 3-level taxonomy): the seven labels are
top-level categories and their 二级/三级 entries sub-categories below them (the other top-level branches
too, as a district would import its whole tree; they label nothing). --direct trains the same model on
the same texts in memory, without the database; --cv scores it by 5-fold stratified cross-validation
inside the training portion of the fixed split only (the held-out rows are never read), the way
variants of the model are chosen. --no-tree leaves the category tree out (top-level categories only);
--no-neighbours scores the SVM alone, without the examples' nearest-neighbour vote.

Similar cases: an index of N synthetic messages (sentences of the real messages recombined, seed 0) is
built, then p50/p95 of a top-10 lookup are measured for real messages.
The target database is emptied first (it must be a scratch database).
"""

import argparse
import csv
import io
import os
import random
import re
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import scratch

DATA = Path(os.environ.get("DAJUAN_TIPDM_DIR", Path(__file__).resolve().parents[2] / "shared/data/tipdm2020c"))
FILES = {"raw": "tipdm2020c_raw_labeled.csv", "full": "tipdm2020c_segmented_full_labeled.csv"}
BATCH = 500
HEADERS = ["工单编号", "登记时间", "标题", "诉求内容", "来源", "分类", "承办单位", "答复内容", "答复时间"]
TAXONOMY = "tipdm2020c_attachment1_taxonomy.csv"
UNLABELLED = ["tipdm2020c_attachment3_likes_unlabeled.csv", "tipdm2020c_attachment4_replies_unlabeled.csv"]


def read(name: str) -> list[dict]:
    path = DATA / name
    if not path.exists():
        sys.exit(f"{path} not found: set DAJUAN_TIPDM_DIR to the folder holding the 泰迪杯 2020 C files.")
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", nargs="*", default=list(FILES), choices=list(FILES))
    parser.add_argument("--similar-size", type=int, default=1_000_000, help="documents in the similar-case index")
    parser.add_argument("--queries", type=int, default=300, help="timed suggestions / lookups")
    parser.add_argument("--limit", type=int, default=0, help="only the first N rows of each file (0: all)")
    parser.add_argument("--reuse", action="store_true",
                        help="if the database (DAJUAN_DATABASE_URL, a scratch file) already holds this file's import "
                             "from an earlier run, train on it instead of emptying and importing again (one file "
                             "per database)")
    parser.add_argument("--direct", action="store_true",
                        help="skip the database: train the same model on the same texts and split in memory "
                             "(classifier.train_and_evaluate, as train_router does), for a quick figure")
    parser.add_argument("--cv", action="store_true",
                        help="in memory: 5-fold stratified cross-validation inside the training portion of the fixed "
                             "split (never the held-out rows), to choose among variants")
    parser.add_argument("--no-tree", action="store_true",
                        help="no sub-categories from 附件1 (top-level categories only)")
    parser.add_argument("--no-neighbours", action="store_true",
                        help="with --cv: the SVM alone, without the nearest-neighbour vote")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection

    print(f"database: {connection.vendor}  data: {DATA}")
    for key in args.files:
        if args.cv:
            cv_run(key, args.limit, tree=not args.no_tree, neighbours=not args.no_neighbours)
        elif args.direct:
            direct_run(key, args.queries, args.limit, tree=not args.no_tree)
        else:
            router_run(key, args.queries, args.limit, reuse=args.reuse, tree=not args.no_tree)
    if args.similar_size:
        similar_run(args.similar_size, args.queries)


def taxonomy() -> list[tuple[str, str, str]]:
    """附件1's (level 1, level 2, level 3) rows."""
    return [(r["level1"].strip(), r["level2"].strip(), r["level3"].strip()) for r in read(TAXONOMY)]


def tree_nodes(labels: list[str]) -> list[tuple[str, str, str | None]]:
    """The category tree as (code, name, parent code) rows: a top-level category per label (T01… in label
    order) and per other 附件1 branch, with 附件1's level-2 and level-3 entries below — the codes
    load_labelled gives them."""
    tops = sorted(set(labels)) + sorted({l1 for l1, _l2, _l3 in taxonomy()} - set(labels))
    nodes = [(f"T{i:02d}", name, None) for i, name in enumerate(tops, start=1)]
    code_of = {(name,): code for code, name, _up in nodes}
    for l1, l2, l3 in taxonomy():
        for path in ((l1, l2), (l1, l2, l3)):
            if path not in code_of:
                parent = code_of[path[:-1]]
                code_of[path] = f"{parent}-{sum(1 for c in code_of if c[:-1] == path[:-1]) + 1:02d}"
                nodes.append((code_of[path], path[-1], parent))
    return nodes


def load_labelled(rows: list[dict], key: str, progress, tree: bool = True):
    """The cast, one category and one handling bureau per label (with 附件1's sub-categories below the
    label's category unless `tree` is off), then every row imported through the intake's spreadsheet
    import (a CSV built in memory: work-order number, time, title, content,
    category, lead unit, and the bureau's reply, so each case is registered, dispatched, claimed and
    replied by its label's bureau — a confirmed dispatch), in file order."""
    from dajuan.cases.catalog import category_add, deadline_policy_set
    from dajuan.cases.choices import LimitUnit, Priority
    from dajuan.intake.importing import case_import_commit
    from dajuan.org.choices import Role, UnitKind
    from dajuan.org.services import membership_add, unit_add
    from dajuan.testing import build_cast

    class Cast:
        pass

    build_cast(Cast)
    deadline_policy_set(category=None, priority=Priority.NORMAL, reply_limit=5, limit_unit=LimitUnit.WORKING_DAYS)
    routes, made = {}, {}
    labels = sorted({r["label"] for r in rows})
    for code, name, parent in (tree_nodes(labels) if tree else [(f"T{i:02d}", label, None)
                                                                  for i, label in enumerate(labels, start=1)]):
        unit = None
        if parent is None and name in labels:
            unit = unit_add(code=f"QC-B{code[1:]}", name=f"{name}局", kind=UnitKind.DEPARTMENT, parent=Cast.district)
            membership_add(user=Cast.handler, unit=unit, role=Role.HANDLER, title="科员")
            routes[name] = (code, unit.code)
        made[code] = category_add(code=code, name=name, parent=made.get(parent), default_lead_unit=unit)
    start = datetime(2025, 1, 2, 9, 0)
    # Files of BATCH rows: the import's duplicate check builds one SQL expression per row, and SQLite
    # refuses expressions deeper than 1000 (reported to intake).
    for first in range(0, len(rows), BATCH):
        sheet = io.StringIO()
        writer = csv.writer(sheet)
        writer.writerow(HEADERS)
        for n, row in enumerate(rows[first:first + BATCH], start=first + 1):
            text = row["text"].strip()
            at = start + timedelta(minutes=20 * n)
            category, unit = routes[row["label"]]
            writer.writerow([f"TIPDM-{n:05d}", f"{at:%Y-%m-%d %H:%M}", (row.get("title") or "").strip()[:200],
                             (row.get("body") or "").strip() or text, "网站", category, unit,
                             "已收悉，已转交承办科室办理。", f"{at + timedelta(hours=2):%Y-%m-%d %H:%M}"])
        report = case_import_commit(f"tipdm2020c-{key}-{first // BATCH + 1}.csv", sheet.getvalue().encode("utf-8"),
                                    by=Cast.dispatcher,
                                    progress=lambda done, total, first=first: progress(first + done, len(rows)))
        if not report.committed:
            sys.exit(f"import refused: {[(p.row, p.field, p.message) for p in report.problems[:3]]}")
    return Cast


def loaded_before(key: str, rows: list[dict]) -> object | None:
    """The dispatcher of an earlier run's import of exactly these rows into this database, else None."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from dajuan.intake.models import ImportBatch

    if "cases_case" not in connection.introspection.table_names():
        return None
    call_command("migrate", verbosity=0)  # a database imported by an older checkout
    batches = ImportBatch.objects.filter(file_name__startswith=f"tipdm2020c-{key}-")
    if sum(batches.values_list("rows", flat=True)) != len(rows):
        return None
    return get_user_model().objects.get(username="zhang")


def router_run(key: str, queries: int, limit: int = 0, reuse: bool = False, tree: bool = True) -> None:
    from dajuan.routing.suggestions import suggest_text
    from dajuan.routing.training import confirmed_dispatches, router_train

    rows = read(FILES[key])[:limit or None]
    dispatcher = loaded_before(key, rows) if reuse else None
    if dispatcher is None:
        scratch.fresh_database()
        started = time.perf_counter()
        cast = load_labelled(rows, key, progress=lambda done, total: print(f"\r  loading {done}/{total}", end="",
                                                                             flush=True), tree=tree)
        seconds = time.perf_counter() - started
        print(f"\n{FILES[key]}: {len(rows)} messages loaded as cases through the import in {seconds:.0f} s "
              f"({len(rows) / seconds:.1f} rows/s)")
        dispatcher = cast.dispatcher
    else:
        print(f"\n{FILES[key]}: {len(rows)} messages already imported into this database by an earlier run")
    model = router_train(by=dispatcher)
    ev = model.evaluation
    cat = ev["category"]
    print(f"  router v{model.version}: {model.examples} confirmed dispatches, {ev.get('tree_texts', 0)} category-tree "
          f"texts, {ev['features']} features, {ev.get('neighbours', 0)} voting examples; stored model "
          f"{len(model.blob) / 2**20:.1f} MB (zlib)")
    print(f"  held-out {cat['held_out']} (stratified 20%, random_state=0): accuracy {cat['accuracy']:.4f}  "
          f"macro-F1 {cat['macro_f1']:.4f}   (unit head: macro-F1 {ev['unit']['macro_f1']:.4f})")
    from dajuan.cases.models import Category

    names = dict(Category.objects.values_list("code", "name"))
    for label, f1 in sorted(cat["per_class_f1"].items(), key=lambda kv: -kv[1]):
        print(f"    {names.get(label, label):<10} F1 {f1:.4f}")
    print(f"  training: {ev['train_seconds']} s in all = evaluation fit {ev.get('evaluate_seconds')} s "
          f"+ final fit on every example {ev.get('fit_seconds')} s; {ev.get('train_cpu_seconds')} CPU s "
          f"(load average {os.getloadavg()[0]:.1f})")
    texts = [e.text for e in confirmed_dispatches()][:queries]
    suggest_text(texts[0])  # first call loads the model into this process
    times, cpu = [], []
    for text in texts:
        t, c = time.perf_counter(), time.process_time()
        suggest_text(text)
        times.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    print(f"  suggestion latency over {len(times)} messages: p50 {pct(times, 50):.1f} ms  p95 {pct(times, 95):.1f} ms "
          f"(CPU p50 {pct(cpu, 50):.1f} ms  p95 {pct(cpu, 95):.1f} ms; load average {os.getloadavg()[0]:.1f})")


def import_texts(rows: list[dict]) -> list[str]:
    """The texts train_router reads for these rows after the import: title (or the content's first 40
    characters, as the import derives it) and content, through the same case_text."""
    from dajuan.routing.text import case_text

    texts = []
    for row in rows:
        text = row["text"].strip()
        content = (row.get("body") or "").strip() or text
        texts.append(case_text((row.get("title") or "").strip()[:200] or content[:40], content))
    return texts


def direct_texts(key: str, limit: int = 0, tree: bool = True):
    """(texts, labels, tree texts) as train_router sees them after the import (labels stand for the codes)."""
    from dajuan.routing import classifier

    rows = read(FILES[key])[:limit or None]
    texts, labels = import_texts(rows), [r["label"] for r in rows]
    if not tree:
        return texts, labels, []
    nodes = tree_nodes(sorted(set(labels)))
    names = {code: name for code, name, _up in nodes}
    return texts, labels, [(text, names[code]) for text, code in classifier.tree_texts(nodes, {
        code for code, name, up in nodes if up is None and name in set(labels)})]


def cv_run(key: str, limit: int = 0, tree: bool = True, folds: int = 5, neighbours: bool = True) -> None:
    import numpy as np
    from sklearn.model_selection import StratifiedKFold

    from dajuan.routing import classifier

    texts, labels, tree_pairs = direct_texts(key, limit, tree)
    train, _test = classifier.split(labels)  # the held-out rows are dropped here, unread
    texts, labels = [texts[i] for i in train], [labels[i] for i in train]
    started, cpu = time.perf_counter(), time.process_time()
    figures = []
    for fold, (fit_on, score_on) in enumerate(StratifiedKFold(folds, shuffle=True, random_state=0).split(
            np.zeros(len(labels)), labels), start=1):
        pick = lambda values, idx: [values[i] for i in idx]  # noqa: E731
        router = classifier.fit(pick(texts, fit_on), pick(labels, fit_on), pick(labels, fit_on), tree=tree_pairs,
                                neighbours=neighbours)
        X = router.features.transform(pick(texts, score_on))
        predicted = router.category.predict(X, router.similarities(X))
        figures.append(classifier.scores(pick(labels, score_on), predicted)["macro_f1"])
        print(f"  fold {fold}: macro-F1 {figures[-1]:.4f}", flush=True)
    print(f"{FILES[key]} ({folds}-fold CV inside the {len(texts)} training rows, {len(tree_pairs)} category-tree "
          f"texts): macro-F1 {np.mean(figures):.4f} ± {np.std(figures):.4f}  folds {figures}  "
          f"({time.perf_counter() - started:.0f} s, {time.process_time() - cpu:.0f} CPU s, "
          f"load average {os.getloadavg()[0]:.1f})")


def direct_run(key: str, queries: int, limit: int = 0, tree: bool = True) -> None:
    from dajuan.routing import classifier

    texts, labels, tree_pairs = direct_texts(key, limit, tree)
    started, cpu = time.perf_counter(), time.process_time()
    router = classifier.train_and_evaluate(texts, labels, labels, tree=tree_pairs)
    total, cpu = time.perf_counter() - started, time.process_time() - cpu
    ev = router.evaluation
    cat = ev["category"]
    from dajuan.routing.training import dump

    print(f"\n{FILES[key]} (direct, no database): {len(texts)} messages, {len(tree_pairs)} category-tree texts, "
          f"{ev['features']} features, {ev.get('neighbours', 0)} voting examples; "
          f"model {len(dump(router)) / 2**20:.1f} MB (zlib)")
    print(f"  held-out {cat['held_out']} (stratified 20%, random_state=0): accuracy {cat['accuracy']:.4f}  "
          f"macro-F1 {cat['macro_f1']:.4f}")
    for label, f1 in sorted(cat["per_class_f1"].items(), key=lambda kv: -kv[1]):
        print(f"    {label:<10} F1 {f1:.4f}")
    print(f"  training: {total:.1f} s in all = evaluation fit {ev.get('evaluate_seconds')} s "
          f"+ final fit on every example {ev.get('fit_seconds')} s; {cpu:.1f} CPU s "
          f"(load average {os.getloadavg()[0]:.1f})")
    times = []
    for text in texts[:queries]:
        t = time.perf_counter()
        router.suggest(text)
        times.append((time.perf_counter() - t) * 1000)
    print(f"  suggestion latency (model only) over {len(times)} messages: p50 {pct(times, 50):.1f} ms  "
          f"p95 {pct(times, 95):.1f} ms")


def similar_run(size: int, queries: int) -> None:
    import numpy as np

    from dajuan.routing.similarity import SimilarityIndex

    messages = [r["text"] for name in [FILES["raw"], *UNLABELLED] for r in read(name)]
    sentences = [s for m in messages for s in re.split(r"(?<=[。！？!?\n])", m) if len(s.strip()) > 4]
    rng = random.Random(0)
    print(f"\nsimilar cases: {size:,} synthetic messages from {len(sentences):,} real sentences")
    started = time.perf_counter()
    index = SimilarityIndex()
    texts = ["".join(rng.choices(sentences, k=rng.randint(3, 6))) for _ in range(size)]
    index.build(np.arange(size), texts,
                progress=lambda done, total: print(f"\r  indexing {done:,}/{total:,}", end="", flush=True))
    del texts
    print(f"\n  built in {time.perf_counter() - started:.0f} s: {index.main.nnz:,} postings "
          f"({index.main.data.nbytes + index.main.indices.nbytes >> 20} MB)")
    probes = rng.sample(messages, min(queries, len(messages)))
    index.query(probes[0])
    times = []
    for text in probes:
        t = time.perf_counter()
        index.query(text, k=10)
        times.append((time.perf_counter() - t) * 1000)
    print(f"  top-10 lookup over {len(times)} real messages: p50 {pct(times, 50):.1f} ms  "
          f"p95 {pct(times, 95):.1f} ms  (mean {statistics.mean(times):.1f} ms; load average "
          f"{os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
