"""The router: training from confirmed dispatches, suggestions, versions, confidentiality, auto-dispatch."""

from django.core.management import call_command
from django.test import override_settings

from dajuan.cases import transitions
from dajuan.cases.choices import RequesterKind, Source, Verb
from dajuan.core.errors import Conflict, NotPermitted
from dajuan.routing import suggestions
from dajuan.routing.autodispatch import auto_dispatch
from dajuan.routing.models import RouterModel
from dajuan.routing.tests.history import build_confidential_history, build_history
from dajuan.routing.training import confirmed_dispatches, router_activate, router_train
from dajuan.testing import LoopTestCase


class RouterTests(LoopTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.history = build_history(cls)

    def new_case(self, title, content, **extra):
        return transitions.register(title=title, content=content, source=Source.HOTLINE,
                                    requester_kind=RequesterKind.CITIZEN, requester_name="市民",
                                    by=self.dispatcher, **extra)

    def test_train_and_suggest_round_trip(self):
        """A trained, active model suggests the category and unit its history taught it, with confidence."""
        model = router_train(by=self.dispatcher)
        self.assertTrue(model.is_active)
        self.assertEqual(model.version, 1)
        self.assertEqual(model.examples, 30)
        self.assertEqual(model.evaluation["category"]["held_out"], 6)
        self.assertGreaterEqual(model.evaluation["category"]["macro_f1"], 0.8)
        case = self.new_case("东关小区物业不作为", "小区电梯停运一个月，物业费照收，楼道堆放杂物。")
        suggestion = suggestions.suggestion_for(self.dispatcher, case)
        self.assertEqual(suggestion.version, 1)
        self.assertEqual(suggestion.category[0], self.property_mgmt)
        self.assertEqual(suggestion.unit[0], self.housing)
        self.assertGreater(suggestion.unit[1], 0.5)
        other = suggestions.suggest_text("公司拖欠工资三个月，社保也断缴了，劳动合同纠纷")
        self.assertEqual(other.category[0], self.jobs)
        self.assertEqual(other.unit[0], self.labour)

    def test_sub_category_names_teach_the_category_the_cases_are_labelled_with(self):
        """Names in the category tree below a labelled category are training texts for it: a case in words
        that no past case used, only a sub-category's name, is routed to that sub-category's ancestor."""
        from dajuan.cases.catalog import category_add

        category_add(code="JS-WY-GS", name="二次供水管理", parent=self.property_mgmt)
        category_add(code="JS-WY-SX", name="水箱清洗消毒", parent=self.property_mgmt)
        category_add(code="LD-PX", name="职业技能培训补贴", parent=self.jobs)
        category_add(code="JS-WY-QT", name="其他", parent=self.property_mgmt)
        category_add(code="LD-QT", name="其他", parent=self.jobs)
        model = router_train(by=self.dispatcher)
        self.assertEqual(model.examples, 30)  # the tree adds training texts, never examples or held-out rows
        self.assertEqual(model.evaluation["category"]["held_out"], 6)
        self.assertEqual(model.evaluation["tree_texts"], 5)  # 物业管理 and 2 below it, 劳动保障 and 1; not 其他
        self.assertEqual(suggestions.suggest_text("二次供水管理").category[0], self.property_mgmt)
        self.assertEqual(suggestions.suggest_text("水箱清洗消毒").category[0], self.property_mgmt)
        self.assertEqual(suggestions.suggest_text("职业技能培训补贴").category[0], self.jobs)
        self.assertEqual(suggestions.suggest_text("职业技能培训补贴").unit[0], self.labour)

    def test_only_claimed_dispatches_teach(self):
        """A returned dispatch is not a confirmed one: its unit is not learnt for that case."""
        case = self.history[0]
        examples = {e.case_id: e for e in confirmed_dispatches()}
        self.assertEqual(examples[case.pk].unit, "QC-ZJJ")
        unclaimed = self.new_case("物业问题", "小区物业乱收费")
        transitions.dispatch(unclaimed, lead_unit=self.labour, category=self.jobs, by=self.dispatcher)
        transitions.return_to_dispatcher(unclaimed.assignments.get(), reason="不属于本单位", by=self.other_handler)
        self.assertNotIn(unclaimed.pk, {e.case_id for e in confirmed_dispatches()})

    def test_new_version_is_picked_up_without_restart(self):
        """Training again (or rolling back) changes what the same process answers with."""
        first = router_train(by=self.dispatcher)
        self.assertEqual(suggestions.suggest_text("小区电梯停运").version, first.version)
        second = router_train(by=self.dispatcher)
        self.assertEqual(suggestions.suggest_text("小区电梯停运").version, second.version)
        self.assertEqual(RouterModel.objects.filter(is_active=True).count(), 1)
        router_activate(first, by=self.admin)
        self.assertEqual(suggestions.suggest_text("小区电梯停运").version, first.version)

    def test_no_model_no_suggestion(self):
        suggestion = suggestions.suggest_text("小区电梯停运")
        self.assertIsNone(suggestion.version)
        self.assertIsNone(suggestion.category)

    def test_only_dispatchers_train_and_see_suggestions(self):
        with self.assertRaises(NotPermitted):
            router_train(by=self.handler)
        self.assertFalse(RouterModel.objects.exists())
        with self.assertRaises(NotPermitted):
            suggestions.suggestion_for(self.handler, self.case)

    def test_command_trains_and_reports(self):
        from io import StringIO

        out = StringIO()
        call_command("train_router", stdout=out)
        self.assertIn("v1", out.getvalue())
        self.assertIn("macro-F1", out.getvalue())
        self.assertTrue(RouterModel.objects.get(version=1).is_active)


class EmptyHistoryTests(LoopTestCase):
    def test_too_little_history_is_a_clear_error(self):
        """No confirmed dispatch yet (the fixture case was never claimed): a Conflict naming the minimum."""
        with self.assertRaises(Conflict) as raised:
            router_train(by=self.dispatcher)
        self.assertIn("10", str(raised.exception))
        self.assertFalse(RouterModel.objects.exists())


class ConfidentialityTests(LoopTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.history = build_history(cls, per_class=8)
        cls.secret_cases, cls.secret_category, cls.secret_unit = build_confidential_history(cls)

    def test_confidential_cases_never_train_the_model(self):
        """The discipline cases were confirmed dispatches, yet neither their category nor their unit can
        ever be suggested: the model never saw them, so nothing about them leaks through suggestions."""
        examples = list(confirmed_dispatches())
        self.assertFalse({c.pk for c in self.secret_cases} & {e.case_id for e in examples})
        router_train(by=self.dispatcher)
        _version, router = suggestions.active_router()
        self.assertNotIn("JJ", router.category.classes_)
        self.assertNotIn(self.secret_unit.code, router.unit.classes_)
        self.assertNotIn("吃拿卡要", router.features.words.vocabulary_)
        probe = suggestions.suggest_text("举报干部吃拿卡要，企业反映办理许可时某科长索要好处费。", k=10)
        self.assertNotIn(self.secret_category, [c for c, _ in probe.categories])
        self.assertNotIn(self.secret_unit, [u for u, _ in probe.units])


class AutoDispatchTests(LoopTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        build_history(cls)

    def register(self, **extra):
        return transitions.register(title="小区电梯停运物业不作为",
                                    content="东关小区电梯停运，物业费乱收，楼道堆放杂物。", source=Source.HOTLINE,
                                    requester_kind=RequesterKind.CITIZEN,
                                    requester_name="市民", by=self.dispatcher, **extra)

    def test_off_by_default(self):
        router_train(by=self.dispatcher)
        case = self.register()
        self.assertIsNone(auto_dispatch(case.pk))
        self.assertEqual(self.verbs(case), [Verb.REGISTERED])

    @override_settings(DAJUAN_ROUTER_AUTO_DISPATCH="0.5")
    def test_confident_suggestion_dispatches_and_is_marked_in_the_ledger(self):
        model = router_train(by=self.dispatcher)
        with self.captureOnCommitCallbacks(execute=True):
            case = self.register()
        case = self.reload(case)
        self.assertEqual(self.verbs(case), [Verb.REGISTERED, Verb.DISPATCHED])
        self.assertEqual(case.lead_unit, self.housing)
        event = case.events.get(verb=Verb.DISPATCHED)
        self.assertEqual(event.payload["auto"]["model"], model.version)
        self.assertGreaterEqual(event.payload["auto"]["unit_confidence"], 0.5)
        self.assertEqual(event.actor.username, "system-router")

    @override_settings(DAJUAN_ROUTER_AUTO_DISPATCH="0.999999")
    def test_unsure_suggestion_waits_for_a_dispatcher(self):
        router_train(by=self.dispatcher)
        with self.captureOnCommitCallbacks(execute=True):
            case = self.register()
        self.assertEqual(self.verbs(case), [Verb.REGISTERED])

    @override_settings(DAJUAN_ROUTER_AUTO_DISPATCH="0.5")
    def test_confidential_cases_are_never_auto_dispatched(self):
        router_train(by=self.dispatcher)
        with self.captureOnCommitCallbacks(execute=True):
            case = transitions.register(title="小区电梯停运", content="物业不作为", source=Source.DISCIPLINE,
                                        requester_kind=RequesterKind.CITIZEN, requester_name="匿名",
                                        confidential=True, by=self.inspector)
        self.assertEqual(self.verbs(case), [Verb.REGISTERED])


class OneTextPathTests(LoopTestCase):
    def test_one_text_scores_as_the_batch_does(self):
        """The suggestion path (Features.one) gives the margins the batch path (transform) gives."""
        import numpy as np

        from dajuan.routing import classifier
        from dajuan.routing.tests.history import JOBS, PROPERTY

        texts = [f"{a}{b}，请尽快处理。" for a in PROPERTY for b in PROPERTY if a != b][:20]
        texts += [f"{a}{b}，多次反映无果。" for a in JOBS for b in JOBS if a != b][:20]
        labels = ["p"] * 20 + ["j"] * 20
        router = classifier.fit(texts, labels, labels)
        probe = ["小区电梯停运，物业不作为", "拖欠工资三个月", "完全无关的话", "物业不作为\n物业不作为\n小区电梯停运"]
        batch = router.category.margins(router.features.transform(probe))
        one = np.vstack([router.category.margins(router.features.one(t)) for t in probe])
        np.testing.assert_allclose(batch, one, atol=1e-4)
        self.assertEqual(router.suggest("拖欠工资三个月")["category"][0].label, "j")

    def test_the_title_is_a_view_of_its_own_at_half_weight(self):
        """A text's first line (its title, at most 40 characters) gets its own n-gram columns, weighing half
        of each whole-text view; a text without a title of its own has its opening there."""
        import numpy as np

        from dajuan.routing import classifier
        from dajuan.routing.text import case_text, title

        self.assertEqual(title(case_text("电梯停运", "小区电梯停运一个月。")), "电梯停运")
        self.assertEqual(title("小区电梯停运一个月，" * 10), ("小区电梯停运一个月，" * 4)[:40])
        features = classifier.Features()
        X = features.fit_transform(["电梯停运\n电梯停运\n物业不作为", "电梯停运\n电梯停运\n拖欠工资", "物业费乱收"])
        row = X[0].toarray().ravel()
        whole = len(features.chars.vocabulary_) + len(features.words.vocabulary_)
        self.assertAlmostEqual(float(np.linalg.norm(row[:len(features.chars.vocabulary_)])), 1.0, places=5)
        self.assertAlmostEqual(float(np.linalg.norm(row[whole:features.lexical])), 0.5, places=5)
        self.assertIn("电梯", features.titles.vocabulary_)
        self.assertNotIn("物业", features.titles.vocabulary_)  # content below the first line is not the title

    def test_topics_bring_together_words_that_keep_company(self):
        """Two texts without a character in common are strangers to the n-grams, but when the training texts
        use their words together the topics put them side by side — and not beside an unrelated text. The
        topics follow the lexical columns at half weight; too few texts have none; a model pickled before the
        topics answers from the lexical columns alone."""
        import numpy as np

        from dajuan.routing import classifier

        lift = ["电梯故障升降机停运", "升降机困人电梯维修", "电梯年检升降机安全", "升降机异响电梯停用"]
        wage = ["拖欠工资讨薪无果", "讨薪被拒拖欠工资", "工资拖欠农民讨薪", "讨薪工资欠三个月"]
        features = classifier.Features()
        X = features.fit_transform([f"{t}，{n}号楼" for n in range(5) for t in lift + wage])
        self.assertGreaterEqual(features.topics.dims, 2)
        self.assertEqual(features.topics.components.dtype, np.float16)
        self.assertEqual(X.shape[1], features.lexical + features.topics.dims)
        rows = features.transform(["电梯", "升降机", "讨薪"]).toarray()
        lexical, topics = rows[:, :features.lexical], rows[:, features.lexical:]
        self.assertEqual(float(lexical[0] @ lexical[1]), 0.0)
        np.testing.assert_allclose(np.linalg.norm(topics, axis=1), 0.5, atol=1e-5)
        self.assertGreater(float(topics[0] @ topics[1]) / 0.25, 0.8)
        self.assertLess(float(topics[0] @ topics[2]) / 0.25, 0.2)

        few = classifier.Features()
        few.fit_transform(["电梯停运", "电梯停运了"])
        self.assertIsNone(few.topics)
        del features.topics  # as unpickled from a model stored before the topics: the class default, None
        self.assertEqual(features.transform(["电梯"]).shape[1], features.lexical)
        self.assertLess(int(features.one("电梯")[0].max()), features.lexical)

    def test_tree_texts_go_to_the_nearest_labelled_category(self):
        """Each name teaches the nearest of its category and ancestors that labels examples; names that would
        teach two labels (a 其他 in every branch), single characters and unlabelled branches teach nothing."""
        from dajuan.routing import classifier

        nodes = [("A", "城乡建设", None), ("A1", "物业管理", "A"), ("A11", "物业收费", "A1"), ("A2", "其他", "A"),
                 ("A3", "房", "A"), ("B", "劳动保障", None), ("B1", "欠薪", "B"), ("B2", "其他", "B"),
                 ("C", "纪检监察", None), ("C1", "干部作风", "C")]
        self.assertEqual(classifier.tree_texts(nodes, {"A", "B"}),
                         [("劳动保障", "B"), ("城乡建设", "A"), ("欠薪", "B"), ("物业收费", "A"), ("物业管理", "A")])
        self.assertEqual(classifier.tree_texts(nodes, {"A1", "B"}),  # A's 其他 is outside A1: B's 其他 teaches B
                         [("其他", "B"), ("劳动保障", "B"), ("欠薪", "B"), ("物业收费", "A1"), ("物业管理", "A1")])

    def test_a_unit_labelling_that_splits_like_the_categories_reuses_their_fit(self):
        """Each category with its own unit: the unit head is the category head under the units' names —
        the same margins a separate fit gives — and any other labelling is fitted on its own."""
        import numpy as np

        from dajuan.routing import classifier
        from dajuan.routing.tests.history import JOBS, PROPERTY

        texts = [f"{a}{b}，请尽快处理。" for a in PROPERTY for b in PROPERTY if a != b][:20]
        texts += [f"{a}{b}，多次反映无果。" for a in JOBS for b in JOBS if a != b][:20]
        categories = ["p"] * 20 + ["j"] * 20
        units = ["Z-housing"] * 20 + ["A-labour"] * 20  # sorted the other way round
        router = classifier.fit(texts, categories, units)
        X = router.features.transform(["小区电梯停运，物业不作为", "拖欠工资三个月"])
        separate = classifier.Head().fit(router.features.transform(texts), units)
        self.assertEqual(list(router.unit.classes_), ["A-labour", "Z-housing"])
        np.testing.assert_allclose(router.unit.margins(X), separate.margins(X), atol=1e-3)
        self.assertEqual(router.unit.predict(X), ["Z-housing", "A-labour"])
        self.assertIsNone(classifier.one_to_one(categories, ["u1"] * 10 + ["u2"] * 30))


class NeighbourVoteTests(LoopTestCase):
    """The examples vote beside the SVM: the top-k most similar examples' similarities per class, divided by
    the class's share of the examples, mixed into the SVM's softmax."""

    def texts(self):
        from dajuan.routing.tests.history import JOBS, PROPERTY

        texts = [f"{a}{b}，请尽快处理。" for a in PROPERTY for b in PROPERTY if a != b][:20]
        texts += [f"{a}{b}，多次反映无果。" for a in JOBS for b in JOBS if a != b][:20]
        return texts, ["p"] * 20 + ["j"] * 20

    def test_votes_are_the_nearest_examples_similarities_over_their_class_share(self):
        import numpy as np

        from dajuan.routing import classifier

        head = classifier.Head()
        head.classes_ = np.array(["a", "b"])
        head.vote_with(["a", "a", "a", "b"])  # a: 3/4 of the examples, b: 1/4
        sims = np.array([[0.5, 0.4, 0.0, 0.3]], dtype=np.float32)
        a, b = 0.9 / 0.75, 0.3 / 0.25
        np.testing.assert_allclose(head.votes(sims), [[a / (a + b), b / (a + b)]], rtol=1e-5)
        # only the KNN_K nearest vote: with k=1 the 0.5 example alone
        original = classifier.KNN_K
        classifier.KNN_K = 1
        try:
            np.testing.assert_allclose(head.votes(sims), [[1.0, 0.0]])
        finally:
            classifier.KNN_K = original
        np.testing.assert_allclose(head.votes(np.zeros((1, 4), dtype=np.float32)), [[0.0, 0.0]])

    def test_stored_examples_keep_their_strongest_terms(self):
        from scipy import sparse

        from dajuan.routing import classifier

        X = sparse.csr_matrix([[0.1, 0.5, 0.3, 0.0], [0.0, 0.2, 0.0, 0.0]])
        self.assertEqual(classifier._strongest(X, 2).toarray().tolist(), [[0.0, 0.5, 0.3, 0.0], [0.0, 0.2, 0.0, 0.0]])

    def test_the_neighbours_decide_what_the_svm_cannot(self):
        """An SVM without an opinion (zero weights: equal margins) picks its first class; the examples'
        vote gives the text the label of the examples it resembles."""
        import numpy as np

        from dajuan.routing import classifier

        texts, labels = self.texts()
        router = classifier.fit(texts, labels, labels)
        head = router.category
        head.weights, head.bias = np.zeros_like(head.weights), np.zeros_like(head.bias)
        self.assertEqual(list(head.classes_), ["j", "p"])
        probe = "小区电梯停运，物业不作为"
        X = router.features.transform([probe])
        self.assertEqual(head.predict(X), ["j"])  # no neighbours: a tie, the first class
        self.assertEqual(head.predict(X, router.similarities(X)), ["p"])
        self.assertEqual(router.suggest(probe)["category"][0].label, "p")
        self.assertIsNone(classifier.fit(texts, labels, labels, neighbours=False).neighbours)

    def test_one_text_votes_as_the_batch_does_and_the_model_round_trips(self):
        """Features.one's similarities equal the batch path's; the pickled model (training.dump/load)
        suggests the same, its stored examples float32."""
        import numpy as np

        from dajuan.routing import classifier
        from dajuan.routing.training import dump, load

        texts, labels = self.texts()
        units = ["A-housing" if label == "p" else "Z-labour" for label in labels]  # sorted the other way round
        router = classifier.fit(texts, labels, units)
        self.assertEqual(router.neighbours.kept, 40)
        self.assertEqual(router.neighbours.columns.dtype, np.float32)
        probe = ["小区电梯停运，物业不作为", "拖欠工资三个月", "完全无关的话"]
        X = router.features.transform(probe)
        batch = router.similarities(X)
        one = np.vstack([router.similarities(router.features.one(t)) for t in probe])
        np.testing.assert_allclose(batch, one, atol=1e-5)
        self.assertAlmostEqual(float(router.similarities(router.features.one(texts[0]))[0, 0]), 1.0, places=5)
        # the unit head (the category head under the units' names, in its own order) lets the same examples vote
        np.testing.assert_allclose(router.unit.probabilities(X, batch),
                                   router.category.probabilities(X, batch)[:, [1, 0]], rtol=1e-6)
        self.assertEqual(router.unit.predict(X[:2], batch[:2]), ["A-housing", "Z-labour"])
        again = load(dump(router))
        for text in probe:
            self.assertEqual(again.suggest(text), router.suggest(text))
        self.assertEqual(again.suggest(probe[1])["unit"][0].label, "Z-labour")
