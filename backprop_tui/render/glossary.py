"""The glossary: every term the product uses, in Korean and English, one Korean form per term.

The Korean forms are the ones Korean classrooms and the lecture use (the lecture says 레이어,
그래디언트, 체인 룰, 업데이트); `avoided` lists the other forms a learner may meet, which the
catalogue never uses (tests/i18n checks both ways). docs/glossary.md is this table in prose,
and the app's glossary screen (help, then t) draws it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    """One term: its Korean form, its English form(s) as the messages spell them, forms not used."""

    korean: str
    english: tuple[str, ...]
    """The English words the catalogue's messages use for it (lower case, matched as whole words)."""
    avoided: tuple[str, ...] = ()
    """Other Korean forms of the same term, which the catalogue must not use."""


GLOSSARY: tuple[Term, ...] = (
    Term("신경망", ("network", "neural network"), ("네트워크",)),
    Term("가중치", ("weight", "weights"), ("웨이트",)),
    Term("편향", ("bias", "biases"), ("바이어스",)),
    Term("가중합", ("weighted sum", "weighted sums"), ("가중 합",)),
    Term("레이어", ("layer",), ("층",)),
    Term("노드", ("unit", "units"), ("유닛", "뉴런")),
    Term("은닉 레이어", ("hidden layer",), ("히든 레이어",)),
    Term("입력", ("input", "inputs"), ("인풋",)),
    Term("출력", ("output", "outputs"), ("아웃풋",)),
    Term("목표값", ("target",), ("타겟", "정답값")),
    Term("순전파", ("forward", "forward pass"), ("포워드",)),
    Term("역전파", ("backward", "backward pass", "backpropagation"), ("백프로파게이션", "역전달")),
    Term("체인 룰", ("chain rule",), ("연쇄 법칙", "연쇄법칙")),
    Term("오차", ("error",), ("에러",)),
    Term("손실", ("loss",), ("로스",)),
    Term("그래디언트", ("gradient", "gradients"), ("기울기",)),
    Term("편미분", ("partial derivative",), ()),
    Term("미분", ("derivative",), ("도함수",)),
    Term("경사 하강법", ("gradient descent",), ("그래디언트 디센트",)),
    Term("확률적 경사 하강법", ("stochastic gradient descent", "sgd"), ()),
    Term("학습률", ("learning rate",), ("러닝 레이트", "학습율")),
    Term("모멘텀", ("momentum",), ("관성",)),
    Term("속도", ("velocity",), ()),
    Term("업데이트", ("update",), ("갱신",)),
    Term("활성화 함수", ("activation function",), ("액티베이션",)),
    Term("활성화 값", ("activations",), ()),
    Term("계단 함수", ("step function",), ("스텝 함수",)),
    Term("시그모이드", ("sigmoid",), ()),
    Term("렐루", ("relu",), ()),
    Term("소프트맥스", ("softmax",), ()),
    Term("교차 엔트로피", ("cross-entropy",), ("크로스 엔트로피",)),
    Term("합성곱", ("convolution",), ("컨볼루션", "콘볼루션")),
    Term("풀링", ("pooling",), ()),
    Term("전치", ("transpose", "transposed"), ("트랜스포즈",)),
    Term("행렬", ("matrix", "matrices"), ("매트릭스",)),
    Term("배치", ("batch",), ()),
    Term("샘플", ("sample", "samples"), ("표본",)),
    Term("반복", ("iteration", "iterations"), ("이터레이션",)),
    Term("단계", ("step", "steps"), ("스텝",)),
    Term("국면", ("phase",), ("페이즈",)),
    Term("그래디언트 검사", ("gradient check",), ()),
    Term("수치 미분", ("finite differences",), ()),
    Term("시나리오", ("scenario",), ()),
    Term("변형", ("variant",), ()),
)
"""Every term, in the order a learner meets them."""


def rows() -> list[tuple[str, str]]:
    """(Korean, English) per term, for the glossary screen (docs/glossary.md lists every English form)."""
    return [(term.korean, term.english[0]) for term in GLOSSARY]
