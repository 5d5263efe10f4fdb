"""The drawn network decides from keys and operations what a step lights up, and draws it so it reads."""

from __future__ import annotations

import numpy as np
from rich.style import Style

from backprop_tui.core.dense.run import run
from backprop_tui.core.dense.steps import build_steps
from backprop_tui.core.scenario.load import load
from backprop_tui.render.diagram import Flow, Lit, Picture, draw, focus_path, lit, node_indices

F, B, G, U = Flow.FORWARD, Flow.BACKWARD, Flow.GRADIENT, Flow.UPDATE


def test_each_step_lights_the_nodes_and_edges_its_operations_use() -> None:
    scenario = load("activations")  # with biases, so bias gradients and updates are among the steps
    steps = build_steps(scenario, run(scenario, 1)[0], checks=False)
    seen = [(s.operation.result.ascii, sorted(x.computed), sorted(x.read), x.edges, x.biases)
            for s in steps for x in [lit(s, 2)]]
    assert seen == [
        ("z1", [1], [0], {1: F}, {1: F}),          # forward: the signal crosses θ¹ and b¹ into layer 1
        ("a1", [1], [], {}, {}),
        ("z2", [2], [1], {2: F}, {2: F}),
        ("yhat", [2], [], {}, {}),
        ("E", [2], [], {}, {}),
        ("delta2", [2], [], {}, {}),
        ("dE_dtheta2", [], [1, 2], {2: G}, {}),    # a¹·δ²ᵀ: one gradient per edge, nodes only read
        ("dE_db2", [], [2], {}, {2: G}),
        ("dE_da1", [1], [2], {2: B}, {}),          # δ² flows back along θ² into layer 1
        ("delta1", [1], [], {}, {}),
        ("dE_dtheta1", [], [0, 1], {1: G}, {}),
        ("dE_db1", [], [1], {}, {1: G}),
        ("theta1_new", [], [], {1: U}, {}),        # the update changes exactly that layer's edges
        ("b1_new", [], [], {}, {1: U}),
        ("theta2_new", [], [], {2: U}, {}),
        ("b2_new", [], [], {}, {2: U}),
    ]


def test_the_focus_path_runs_from_the_weight_to_the_output() -> None:
    sizes = (2, 3, 2, 1)
    path = focus_path(1, 1, 2, sizes)
    assert (1, 1, 2) in path and (1, 0, 2) not in path
    assert {(2, i, j) for (l, i, j) in path if l == 2} == {(2, 2, 0), (2, 2, 1)}  # out of unit 3 only
    assert {(3, i, j) for (l, i, j) in path if l == 3} == {(3, 0, 0), (3, 1, 0)}  # then every later edge
    assert focus_path(3, 1, 0, sizes) == frozenset({(3, 1, 0)})


def _picture(weights: list[np.ndarray], edges: dict[int, Flow], sizes: tuple[int, ...]) -> Picture:
    values = tuple(np.linspace(0.1, 0.9, units) for units in sizes)
    labels = tuple(f"L{i}" for i in range(len(sizes)))
    return Picture(sizes, tuple(weights), tuple(None for _ in weights), labels, values, Lit(edges=edges))


def _cells(lines, style_test) -> str:
    """The characters (row-major) whose style passes `style_test`."""
    out = []
    for line in lines:
        for span_text, style in ((line.plain[s.start:s.end], s.style) for s in line.spans):
            if style_test(style if isinstance(style, Style) else Style.parse(style)):
                out.append(span_text)
    return "".join(out)


def test_without_colour_weight_and_sign_read_from_the_line_characters() -> None:
    # θ¹: one large positive, one small positive, one large negative edge into a single unit
    picture = _picture([np.array([[1.0], [0.1], [-1.0]])], {1: F}, (3, 1))
    text = "\n".join(line.plain for line in draw(picture, 40, 14))
    assert "━" in text and "─" in text  # heavy for |θ| = 1, thin for |θ| = 0.1
    rows = text.splitlines()
    middle = next(r for r in rows if "0.500" in r)  # unit 2 of L0 sits level with the output: θ = 0.1, thin
    run = middle[middle.index("0.500") + 6:middle.index("0.500") + 16]
    assert set(run) == {"─"}
    assert "━ ━ ━ negative" in rows[-1]  # the key says so
    negative = next(r for r in rows if "0.900" in r)  # unit 3 feeds a negative weight: a dashed line
    trail = negative[negative.index("0.900") + 6:negative.index("0.900") + 16]
    assert " " in trail.strip() and any(c in "━╲╱" for c in trail)


def test_edges_the_step_uses_are_bright_the_others_dim() -> None:
    weights = [np.full((2, 2), 0.5), np.full((2, 1), 0.5)]
    lines = draw(_picture(weights, {2: B}, (2, 2, 1)), 60, 14)
    lit_cells = _cells(lines, lambda s: not s.dim and s.color is not None)
    dim_cells = _cells(lines, lambda s: s.dim and s.color is not None)
    assert lit_cells and dim_cells
    half = lines[0].plain.index("L1")  # where the hidden layer's nodes begin
    for line in lines:  # θ² (right of the hidden layer) is in play, θ¹ (left of it) is not
        for span in line.spans:
            style = span.style if isinstance(span.style, Style) else Style.parse(span.style)
            if style.color is not None and line.plain[span.start:span.end].strip():
                assert bool(style.dim) == (span.end <= half), (line.plain, span)


def test_wide_layers_collapse_around_an_ellipsis_so_784_128_10_reads() -> None:
    assert node_indices(784, 7) == [0, 1, 2, None, 781, 782, 783]
    assert node_indices(3, 7) == [0, 1, 2]
    rng = np.random.default_rng(0)
    weights = [rng.normal(size=(784, 128)), rng.normal(size=(128, 10))]
    for width, height in ((30, 16), (80, 45)):
        lines = draw(_picture(weights, {1: F}, (784, 128, 10)), width, height)
        assert len(lines) == height and all(len(line.plain) == width for line in lines)
        text = "\n".join(line.plain for line in lines)
        assert text.count("⋮") >= 2  # the input and the hidden layer fold; 10 outputs may
