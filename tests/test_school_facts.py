"""School facts edited from Administration › Informations de l'école.

Validation (French messages, nothing written), saving (backup, header, round trip, atomic replace), freshness
(the loader and a running answer service see a save at once), refusals that say where to turn, and the form.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
import yaml
from conftest import CORPUS, ROOT, make_settings
from pydantic import ValidationError
from streamlit.testing.v1 import AppTest

from assistant.answer.phrases import REFUSAL, no_contact_line
from assistant.answer.service import AnswerService
from assistant.pack.school import SchoolInfo, load_school
from assistant.pack.school_store import HEADER, SchoolFormError, apply_form, dump_school, save_school

NOW = datetime(2025, 9, 1, 10, 30, 0)
FEES_QUESTION = "Quels sont les frais de scolarité ?"
MEDIATION = ROOT / "tests" / "fixtures" / "packs" / "mediation"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A corpus folder with a copy of the pack's school file (all the saving code reads and writes)."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    shutil.copy(CORPUS / "ecole.yaml", folder / "ecole.yaml")
    return folder


def listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


# --- validation ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value", "label", "fragment"),
    [
        ("contact.email", "admissions.ecole.fr", "Adresse e-mail", "une seule @"),
        ("contact.email", "admissions@@ecole.fr", "Adresse e-mail", "une seule @"),
        ("contact.email", "admissions@ecole", "Adresse e-mail", "un point dans le domaine"),
        ("contact.email", "a@ecole.fr\nb@ecole.fr", "Adresse e-mail", "une seule ligne"),
        ("contact.url", "www.ecole.fr/admissions", "Page web", "https://"),
        ("contact.url", "ftp://ecole.fr", "Page web", "https://"),
        ("contact.phone", "01 23 45 AB", "Téléphone", "chiffres"),
        ("last_updated", "01/09/2025", "Date de mise à jour", "AAAA-MM-JJ"),
        ("last_updated", "2025-02-30", "Date de mise à jour", "AAAA-MM-JJ"),
        ("fields.tuition_fees", "7 900 €\x07 par an", "Frais de scolarité", "caractère de contrôle"),
        ("fields.tuition_fees", "7 900 €\tpar an", "Frais de scolarité", "caractère de contrôle"),
        ("fields.tuition_fees", "x" * 2001, "Frais de scolarité", "trop long"),
    ],
)
def test_invalid_values_are_refused_in_french_and_nothing_is_written(
    corpus: Path, key: str, value: str, label: str, fragment: str
) -> None:
    before = listing(corpus), (corpus / "ecole.yaml").read_bytes()
    with pytest.raises(SchoolFormError) as caught:
        save_school(corpus, apply_form(load_school(corpus), {key: value}), now=NOW)
    assert [(label, message) for label_, message in caught.value.problems if label_ == label]
    assert any(fragment in message for _, message in caught.value.problems), caught.value.problems
    assert f"{label} : " in str(caught.value)
    assert (listing(corpus), (corpus / "ecole.yaml").read_bytes()) == before


def test_every_problem_is_listed_at_once(corpus: Path) -> None:
    with pytest.raises(SchoolFormError) as caught:
        apply_form(load_school(corpus), {"contact.email": "non", "contact.url": "ecole.fr", "contact.phone": "?"})
    assert [label for label, _ in caught.value.problems] == ["Adresse e-mail", "Téléphone", "Page web"]


def test_the_model_itself_gives_french_messages() -> None:
    with pytest.raises(ValidationError) as caught:
        SchoolInfo.model_validate({"last_updated": "septembre 2025", "contact": {"email": "x"}})
    text = str(caught.value)
    assert "AAAA-MM-JJ" in text and "adresse e-mail" in text


def test_valid_values_and_hand_written_yaml_are_accepted(corpus: Path) -> None:
    info = apply_form(
        load_school(corpus),
        {"contact.email": " admissions@ecole.example.fr ", "contact.url": "https://ecole.example/admissions",
         "contact.phone": "+33 (0)1 23.45-67-89", "last_updated": "2025-09-01",
         "fields.tuition_fees": "7 900 € par an\r\nPayables en trois fois."},
    )  # fmt: skip
    assert info.contact.email == "admissions@ecole.example.fr"  # surrounding blanks dropped
    assert info.fields["tuition_fees"].value == "7 900 € par an\nPayables en trois fois."
    raw = yaml.safe_load("last_updated: 2025-09-01\ncontact: {email: null, phone: null}\n")
    hand = SchoolInfo.model_validate(raw)  # an unquoted date, nulls for empty entries
    assert hand.last_updated == "2025-09-01" and hand.contact.email == "" and not hand.contact.has_details


def test_every_field_of_the_pack_has_a_french_help() -> None:
    school = load_school(CORPUS)
    assert len(school.fields) >= 10
    assert all(f.help and not f.value for f in school.fields.values())
    assert (CORPUS / "ecole.yaml").read_text(encoding="utf-8") == dump_school(school)  # as a save writes it


# --- saving -----------------------------------------------------------------------------------------------


def test_save_backs_up_the_old_file_and_writes_one_that_reads_back_equal(corpus: Path) -> None:
    old = (corpus / "ecole.yaml").read_bytes()
    tricky = "Niveau 7 : bac+5\n  - « yes »\n# pas un commentaire\nnull: 3 ans\n"
    info = apply_form(
        load_school(corpus),
        {"contact.email": "admissions@ecole.example", "fields.rncp_level": tricky, "fields.language": "yes",
         "fields.programme_duration": "2", "fields.school_name": "École « Exemple » : campus #1"},
    )  # fmt: skip
    backup = save_school(corpus, info, now=NOW)
    assert backup == corpus / "backups" / "ecole-20250901-103000.yaml"
    assert backup.read_bytes() == old
    text = (corpus / "ecole.yaml").read_text(encoding="utf-8")
    assert text.startswith(HEADER)  # the header comment is kept
    saved = load_school(corpus)
    assert saved == info.model_copy(update={"last_updated": "2025-09-01"})
    assert SchoolInfo.model_validate(yaml.safe_load(text)) == saved
    assert saved.fields["rncp_level"].value == tricky.strip() and saved.fields["programme_duration"].value == "2"
    assert listing(corpus) == ["backups", "backups/ecole-20250901-103000.yaml", "ecole.yaml"]  # no temp file left


def test_backups_of_the_same_second_get_a_counter(corpus: Path) -> None:
    school = load_school(corpus)
    first = save_school(corpus, apply_form(school, {"contact.email": "a@ecole.example"}), now=NOW)
    second_content = (corpus / "ecole.yaml").read_bytes()
    second = save_school(corpus, apply_form(school, {"contact.email": "b@ecole.example"}), now=NOW)
    assert first is not None and second is not None
    assert (first.name, second.name) == ("ecole-20250901-103000.yaml", "ecole-20250901-103000-2.yaml")
    assert second.read_bytes() == second_content


def test_another_files_header_is_kept_and_a_chosen_date_too(corpus: Path) -> None:
    shutil.copy(MEDIATION / "ecole.yaml", corpus / "ecole.yaml")
    header = (corpus / "ecole.yaml").read_text(encoding="utf-8").split("\n\n")[0]
    school = load_school(corpus)
    save_school(corpus, apply_form(school, {"last_updated": "2024-06-30"}), now=NOW)
    assert (corpus / "ecole.yaml").read_text(encoding="utf-8").startswith(header + "\n")
    assert load_school(corpus).last_updated == "2024-06-30"  # set by the caller: kept
    save_school(corpus, apply_form(load_school(corpus), {"fields.language": "Français"}), now=NOW)
    assert load_school(corpus).last_updated == "2025-09-01"  # unchanged by the caller: today


def test_a_failed_write_leaves_the_old_file_intact(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = listing(corpus), (corpus / "ecole.yaml").read_bytes()
    info = apply_form(load_school(corpus), {"contact.email": "admissions@ecole.example"})

    def full_disk(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(OSError):
        save_school(corpus, info, now=NOW)
    assert (listing(corpus), (corpus / "ecole.yaml").read_bytes()) == before  # no temp file, no backup either
    assert load_school(corpus).contact.email == ""


def test_the_loader_sees_each_save_at_once(corpus: Path) -> None:
    first = load_school(corpus)
    assert load_school(corpus) is first  # parsed once while the file does not change
    for email in ("a@ecole.example", "b@ecole.example", "c@ecole.example"):  # same size, same second
        save_school(corpus, apply_form(first, {"contact.email": email}), now=NOW)
        assert load_school(corpus).contact.email == email


# --- refusals through the real answer service -----------------------------------------------------------------


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> tuple[AnswerService, Path]:
    """One answer service (default embedder) over a corpus copy whose school file the tests rewrite."""
    from assistant.runtime import build_runtime

    tmp = tmp_path_factory.mktemp("school-live")
    corpus = tmp / "corpus"
    shutil.copytree(CORPUS / "referentiel", corpus / "referentiel")
    shutil.copytree(CORPUS / "models", corpus / "models")
    for name in ("vocabulary.yaml", "routes.yaml", "ecole.yaml"):
        shutil.copy(CORPUS / name, corpus / name)
    return AnswerService(build_runtime(make_settings(tmp, corpus_dir=corpus, embeddings="e5-small"))), corpus


@pytest.fixture
def service(live: tuple[AnswerService, Path]) -> Iterator[tuple[AnswerService, Path]]:
    """The live service, its school file as shipped (put back after each test)."""
    _, corpus = live
    yield live
    shutil.copy(CORPUS / "ecole.yaml", corpus / "ecole.yaml")
    shutil.rmtree(corpus / "backups", ignore_errors=True)


def test_without_contact_a_candidate_is_sent_to_admissions_and_staff_to_administration(
    service: tuple[AnswerService, Path],
) -> None:
    answers, _ = service
    candidate = answers.answer(FEES_QUESTION, "candidate")
    admissions = answers.answer(FEES_QUESTION, "admissions")
    tutor = answers.answer(FEES_QUESTION, "tutor")
    for answer in (candidate, admissions, tutor):
        assert answer.refused and answer.kind == "refusal" and answer.answer.startswith(REFUSAL["fr"])
        assert "pas encore renseignées" in answer.answer
    assert no_contact_line("candidate", "fr") in candidate.answer
    assert "service admissions de votre école ou à votre tuteur" in candidate.answer
    assert "Administration" not in candidate.answer
    for staff in (admissions, tutor):
        assert "Administration › Informations de l'école" in staff.answer and "tuteur" not in staff.answer
    english = answers.answer("What are the tuition fees?", "candidate")
    assert english.refused and english.answer.startswith(REFUSAL["en"])
    assert no_contact_line("candidate", "en") in english.answer


def test_a_saved_contact_email_is_named_in_the_refusal_from_the_next_question(
    service: tuple[AnswerService, Path],
) -> None:
    answers, corpus = service
    assert "admissions@ecole.example" not in answers.answer(FEES_QUESTION).answer
    save_school(corpus, apply_form(load_school(corpus), {"contact.email": "admissions@ecole.example"}))
    for audience in ("candidate", "admissions"):
        answer = answers.answer(FEES_QUESTION, audience)  # the same service: no restart
        assert answer.refused and answer.kind == "refusal"
        assert answer.answer.count("admissions@ecole.example") == 1
        assert "pas encore renseignées" not in answer.answer


def test_a_saved_fact_is_answered_and_the_school_message_joins_refusals(
    service: tuple[AnswerService, Path],
) -> None:
    answers, corpus = service
    message = "Écrivez à votre responsable pédagogique via l'espace numérique."
    save_school(corpus, apply_form(load_school(corpus), {"contact.message": message}))
    refused = answers.answer(FEES_QUESTION)
    assert refused.refused and no_contact_line("candidate", "fr") in refused.answer and message in refused.answer
    save_school(corpus, apply_form(load_school(corpus), {"fields.tuition_fees": "7 900 € par an"}))
    fee = answers.answer(FEES_QUESTION)
    assert not fee.refused and fee.kind == "school" and "7 900 € par an" in fee.answer
    assert fee.sources[0].source == "ecole.yaml" and fee.sources[0].title == "Frais de scolarité"


def test_a_broken_hand_edit_keeps_the_last_valid_facts(
    service: tuple[AnswerService, Path], caplog: pytest.LogCaptureFixture
) -> None:
    answers, corpus = service
    save_school(corpus, apply_form(load_school(corpus), {"contact.email": "admissions@ecole.example"}))
    assert "admissions@ecole.example" in answers.answer(FEES_QUESTION).answer
    (corpus / "ecole.yaml").write_text("contact: {email: pas-une-adresse}\n", encoding="utf-8")
    answer = answers.answer(FEES_QUESTION)
    assert answer.refused and "admissions@ecole.example" in answer.answer
    assert "school file unreadable" in caplog.text


# --- the Administration form --------------------------------------------------------------------------------

PAGE = """\
from assistant.settings import get_settings
from assistant.ui.school_form import render

render(get_settings())
"""


@pytest.fixture
def form(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppTest]:
    """The tab alone in a page of its own, reading the corpus copy."""
    from assistant.settings import get_settings

    monkeypatch.setenv("JB_CORPUS_DIR", str(corpus))
    monkeypatch.setenv("JB_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    script = tmp_path / "school_page.py"
    script.write_text(PAGE, encoding="utf-8")
    at = AppTest.from_file(str(script), default_timeout=60).run()
    assert not at.exception, at.exception
    yield at
    get_settings.cache_clear()


def submit(at: AppTest) -> AppTest:
    at.button(key="school_save").click().run()
    assert not at.exception, at.exception
    return at


def test_the_form_shows_every_field_with_its_help(form: AppTest) -> None:
    school = load_school(CORPUS)
    areas = {area.key: area for area in form.text_area}
    for name, school_field in school.fields.items():
        area = areas[f"school_fields_{name}"]
        assert area.label == school_field.label and area.help == school_field.help
    assert {box.key for box in form.text_input} == {f"school_contact_{n}" for n in ("label", "email", "phone", "url")}
    assert "Dernière mise à jour : jamais." in " ".join(md.value for md in form.markdown)


def test_the_form_saves_the_email_and_names_the_backup(form: AppTest, corpus: Path) -> None:
    form.text_input(key="school_contact_email").set_value("admissions@ecole.example")
    submit(form)
    assert not form.error
    success = " ".join(s.value for s in form.success)
    assert re.search(r"« ecole-\d{8}-\d{6}\.yaml »", success), success
    assert str(corpus) not in success and "prochaine question" in success
    assert load_school(corpus).contact.email == "admissions@ecole.example"
    assert load_school(corpus).last_updated == datetime.now().date().isoformat()
    assert form.text_input(key="school_contact_email").value == "admissions@ecole.example"
    assert "Dernière mise à jour : jamais." not in " ".join(md.value for md in form.markdown)


def test_an_invalid_form_shows_one_error_keeps_the_values_and_writes_nothing(form: AppTest, corpus: Path) -> None:
    before = listing(corpus), (corpus / "ecole.yaml").read_bytes()
    form.text_input(key="school_contact_email").set_value("pas-une-adresse")
    form.text_input(key="school_contact_url").set_value("ecole.example")
    form.text_area(key="school_fields_tuition_fees").set_value("7 900 € par an")
    submit(form)
    assert len(form.error) == 1 and not form.success
    error = form.error[0].value
    assert "Rien n'a été enregistré" in error and "Adresse e-mail" in error and "Page web" in error
    assert form.text_input(key="school_contact_email").value == "pas-une-adresse"
    assert form.text_area(key="school_fields_tuition_fees").value == "7 900 € par an"
    assert (listing(corpus), (corpus / "ecole.yaml").read_bytes()) == before


def test_a_write_failure_is_reported_and_the_file_is_untouched(
    form: AppTest, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = listing(corpus), (corpus / "ecole.yaml").read_bytes()

    def read_only(src: object, dst: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", read_only)
    form.text_input(key="school_contact_email").set_value("admissions@ecole.example")
    submit(form)
    assert len(form.error) == 1 and not form.success
    assert "n'a pas pu être enregistré" in form.error[0].value and "pas été modifié" in form.error[0].value
    assert (listing(corpus), (corpus / "ecole.yaml").read_bytes()) == before
