"""The glossary: docs/glossary.md and the app's screen list every term, and the catalogue uses each
term in one Korean form only (the glossary's), never another form of it."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from backprop_tui.render.glossary import GLOSSARY, Term

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import catalogues  # noqa: E402

SLOT = re.compile(r"\{[a-z_]+\}")
ERROR_TAG = "error: "
"""How a message that reports a failure begins (translated 오류:, not with the term 오차)."""


def translations() -> list[tuple[str, str]]:
    """(English, Korean) of every translated message of the catalogue, slots removed (their words are filled in)."""
    pairs = []
    for message in catalogues.read("ko"):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        # the Korean step titles leave "Layer N: " to the phase tag before them (test_catalogue.LEFT_OUT)
        english = ids[0].removeprefix("Layer {layer}: ")
        # "error: " before a message is the tag of a failed command (오류: ...), as the CLI prints it,
        # not the glossary's error E (오차); the rest of the message is checked as any other
        english = english.removeprefix(ERROR_TAG)
        # an untranslated message has no Korean to check (test_catalogue reports it, unless its module
        # is still PENDING)
        pairs += [(SLOT.sub(" ", english), SLOT.sub(" ", text)) for text in strings if text]
    return pairs


def english_pattern(term: Term) -> re.Pattern[str]:
    """The term's English forms as whole words in prose (not in a symbol or key: ReLU′(z), J_softmax,
    network.inputs)."""
    forms = sorted(term.english, key=len, reverse=True)
    return re.compile(r"(?<![\w_.-])(" + "|".join(re.escape(f) for f in forms) + r")(?![\w′(_.-])", re.IGNORECASE)


def longer_terms_removed(text: str, term: Term) -> str:
    """`text` without the English of longer terms that contain this one ("step function" is not
    "step", "gradient check" is not only "gradient"), so each word is checked as the term it is."""
    for other in GLOSSARY:
        for form in other.english:
            if other is not term and any(f in form and f != form for f in term.english):
                text = re.sub(re.escape(form), " ", text, flags=re.IGNORECASE)
    return text


def test_docs_glossary_lists_every_term_with_its_english_and_avoided_forms() -> None:
    text = (ROOT / "docs" / "glossary.md").read_text()
    for term in GLOSSARY:
        row = f"| {term.korean} | {', '.join(term.english)} | {', '.join(term.avoided)} |"
        assert row in text, row


def test_every_term_of_the_issue_is_in_the_glossary() -> None:
    korean = {term.korean for term in GLOSSARY}
    assert {"가중치", "편향", "순전파", "역전파", "체인 룰", "손실", "오차", "학습률", "경사 하강법",
            "확률적 경사 하강법", "모멘텀", "활성화 함수", "시그모이드", "렐루", "소프트맥스", "교차 엔트로피",
            "합성곱", "풀링"} <= korean


def test_no_translation_uses_another_form_of_a_glossary_term() -> None:
    found = [(term.korean, avoided, english) for english, korean in translations()
             for term in GLOSSARY for avoided in term.avoided if avoided in korean]
    assert not found


@pytest.mark.parametrize("term", GLOSSARY, ids=lambda t: t.english[0])
def test_every_message_with_a_glossary_term_says_it_in_the_glossary_form(term: Term) -> None:
    pattern = english_pattern(term)
    wrong = [(english, korean) for english, korean in translations()
             if pattern.search(longer_terms_removed(english, term)) and term.korean not in korean]
    assert not wrong


def test_the_error_tag_is_left_out_but_the_term_in_the_same_message_is_still_checked() -> None:
    term = next(t for t in GLOSSARY if t.korean == "오차")
    tagged = "error: the error E is too large".removeprefix(ERROR_TAG)
    assert english_pattern(term).search(tagged)
    assert not english_pattern(term).search("error: the file is missing".removeprefix(ERROR_TAG))


def test_the_check_catches_a_term_said_another_way() -> None:
    term = next(t for t in GLOSSARY if t.korean == "학습률")
    assert english_pattern(term).search("Learning rate γ = ")
    assert next(t for t in GLOSSARY if t.korean == "그래디언트").avoided == ("기울기",)


def test_the_bundled_scenarios_korean_titles_and_descriptions_use_the_glossary_forms() -> None:
    from backprop_tui.core.scenario.bundled import bundled_dir
    from backprop_tui.core.scenario.toml_source import read_toml

    texts = []
    for path in sorted(bundled_dir().glob("*.toml")):
        document = read_toml(path)
        assert document.get("title_ko") and document.get("description_ko"), path.name
        texts += [document["title_ko"], document["description_ko"]]
    found = [(term.korean, avoided) for text in texts for term in GLOSSARY for avoided in term.avoided
             if avoided in text]
    assert not found
