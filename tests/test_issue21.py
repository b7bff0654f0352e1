"""Issue 21: authoring that helps write, not only judge."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F

from tutor.cli import main
from tutor.engine.check import check_lesson
from tutor.engine.docs import markdown_table
from tutor.engine.functions import FunctionContext, make_functions
from tutor.lesson import LessonError, load_lesson
from tutor.lesson.catalogue import FUNCTIONS

from .conftest import LESSONS

ROOT = Path(__file__).resolve().parent.parent


def lesson(folder: Path, body: str, name: str = "l.yaml") -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


KNOB = """\
    id: knob
    title: Knob
    params:
      lr: {value: 0.1, min: 0.0, max: 1.0}
    tensors:
      w: [1.0, 2.0]
    steps:
      - title: update
        run: v = w * lr
        expect: {v: [0.1, 0.2]}
    """


# ---------------------------------------------------------------- check --set


@pytest.mark.parametrize(
    "argv",
    [
        ["check", "--set", "lrr=0.5", "{f}"],
        ["check", "{f}", "--set", "lrr=0.5"],
        ["--set", "lrr=0.5", "check", "{f}"],
        ["run", "{f}", "--plain", "--set", "lrr=0.5"],
        ["export", "{f}", "-o", "{out}", "--set", "lrr=0.5"],
    ],
)
def test_set_refuses_an_unknown_knob_wherever_written(
    tmp_path: Path, argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    f = lesson(tmp_path, KNOB)
    args = [a.format(f=f, out=tmp_path / "x.md") for a in argv]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "no param 'lrr'" in err and "did you mean 'lr'?" in err


def test_check_set_turns_the_knob_and_skips_its_expects(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = lesson(tmp_path, KNOB)
    assert main(["--set", "lr=0.5", "check", str(f)]) == 0
    assert "skipped: step 1, v (lr turned)" in capsys.readouterr().out


# ---------------------------------------------------------------- every problem, tables


def test_every_problem_of_a_lesson_in_one_run(tmp_path: Path) -> None:
    f = lesson(
        tmp_path,
        """\
        id: many
        title: Many
        tensors:
          x: [1.0, 2.0, 3.0]
        steps:
          - title: one
            run: y = x * 2
            expect: {y: [2.0, 5.0, 7.0]}
          - title: broken
            run: z = x @ nothing
          - title: reads z
            run: q = z + 1
          - title: independent
            run: s = x.sum()
            expect: {s: 7.0}
        """,
    )
    result = check_lesson(f)
    texts = [p.text for p in result.problems]
    assert len(texts) == 3, texts
    assert texts[0].startswith(f"{f}:8:") and "2 of 3 values differ" in texts[0]
    assert ":10:" in texts[1] and "there is no 'nothing'" in texts[1]
    assert ":15:" in texts[2] and "expected 7, got 6" in texts[2]
    assert result.not_run == ("step 3: reads 'z', which step 2 could not compute",)
    table = result.problems[0].table
    assert table[0].split() == ["index", "expected", "got"]
    assert [r.split() for r in table[1:]] == [["[1]", "5", "4"], ["[2]", "7", "6"]]


def test_load_errors_of_every_step_at_once(tmp_path: Path) -> None:
    f = lesson(
        tmp_path,
        """\
        id: two
        title: Two
        steps:
          - title: a
            run: y = torch.softmax(x, dim=-1)
          - title: b
            run: y = x.entropy()
        """,
    )
    with pytest.raises(LessonError) as e:
        load_lesson(f)
    assert len(e.value.problems) == 2


# ---------------------------------------------------------------- --update


def test_update_fills_the_expects_of_a_bundled_lesson_keeping_its_comments(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("02-neuron.yaml", "05-backprop.yaml"):  # 05 requires neuron
        shutil.copy(LESSONS / name, tmp_path / name)
    f = tmp_path / "05-backprop.yaml"
    original = f.read_text(encoding="utf-8")
    right = "y_hat: [[1.5], [2.5], [3.5], [4.5]]"
    assert right in original
    wrong = original.replace(right, "y_hat: [[1.5], [2.0], [3.5], [9.5]]  # by hand, wrong", 1)
    wrong = "# an author's comment\n" + wrong
    f.write_text(wrong, encoding="utf-8")
    assert main(["check", str(f), "--update"]) == 1
    out = capsys.readouterr().out
    assert "step 1, y_hat: [[1.5], [2.0], [3.5], [9.5]] → [[1.5], [2.5], [3.5], [4.5]]" in out
    updated = f.read_text(encoding="utf-8")
    assert updated == wrong.replace("[[1.5], [2.0], [3.5], [9.5]]", "[[1.5], [2.5], [3.5], [4.5]]")
    assert main(["check", str(f)]) == 0


def test_update_never_touches_a_broken_step(tmp_path: Path) -> None:
    f = lesson(
        tmp_path,
        """\
        id: upd
        title: Upd
        tensors:
          x: [1.0, 2.0]
        steps:
          - title: broken
            run: y = x @ nothing   # a comment
            expect: {y: 0}
          - title: fine
            run: s = x.sum()
            expect:
              s: 0   # fill me
        """,
    )
    assert main(["check", str(f), "--update"]) == 1
    text = f.read_text(encoding="utf-8")
    assert "run: y = x @ nothing   # a comment\n    expect: {y: 0}" in text
    assert "s: 3.0   # fill me" in text


# ---------------------------------------------------------------- non-finite values


NAN = """\
    id: boom
    title: Boom
    tensors:
      w: {value: [1.0, 2.0], grad: true}
    steps:
      - title: explode
        repeat: 3
        run: |
          loss = (w * 1e30).sum() * 1e30
        plot: loss
      - title: nan
        run: n = log(w - 5.0)
    """


def test_non_finite_values_are_located_warnings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = lesson(tmp_path, NAN)
    result = check_lesson(f)
    assert result.ok
    texts = [w.text for w in result.warnings]
    assert any(t.startswith(f"{f}:9:") and "'loss' holds inf" in t for t in texts), texts
    assert any("plot of 'loss' is not finite from iteration 0" in t for t in texts), texts
    assert any(t.startswith(f"{f}:12:") and "'n' holds nan (2 of 2 values)" in t for t in texts)
    assert main(["check", str(f)]) == 0
    assert main(["check", "--strict", str(f)]) == 1


# ---------------------------------------------------------------- silent mistakes


def first_problem(path: Path) -> str:
    result = check_lesson(path)
    assert not result.ok
    return result.problem


def test_an_unknown_language_code_is_located_with_a_guess(tmp_path: Path) -> None:
    f = lesson(
        tmp_path,
        """\
        id: lang
        title: {en: Hello, zn: 你好}
        steps:
          - title: a
            run: x = 1
        """,
    )
    assert first_problem(f) == f"{f}:2:8: 'title': 'zn' is not a language code; did you mean 'zh'?"


def test_labels_of_the_wrong_length_are_located(tmp_path: Path) -> None:
    f = lesson(
        tmp_path,
        """\
        id: labels
        title: Labels
        tensors:
          x: {value: [1.0, 2.0, 3.0], labels: [a, b]}
        steps:
          - title: a
            show: [x]
        """,
    )
    assert first_problem(f).startswith(f"{f}:4:6: tensor 'x': 2 labels")
    g = lesson(
        tmp_path,
        """\
        id: labels-show
        title: Labels
        tensors:
          x: [[1.0, 2.0], [3.0, 4.0]]
        steps:
          - title: a
            show: [{tensor: x, rows: [a, b, c]}]
        """,
        "g.yaml",
    )
    assert "3 row labels, and the tensor has 2 rows" in first_problem(g)


def test_requires_and_duplicate_ids_in_a_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = "title: T\nsteps:\n  - title: a\n    run: x = 1\n"
    (tmp_path / "a.yaml").write_text("id: same\nrequires: [nueron]\n" + body)
    (tmp_path / "b.yaml").write_text("id: same\n" + body)
    (tmp_path / "c.yaml").write_text("id: neuron\n" + body)
    assert main(["check", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert f"{tmp_path / 'a.yaml'}:1:5: the id 'same' is also the id of b.yaml" in out
    assert f"{tmp_path / 'b.yaml'}:1:5: the id 'same' is also the id of a.yaml" in out
    assert (
        f"{tmp_path / 'a.yaml'}:2:12: requires 'nueron', and no lesson in this folder has that "
        "id; did you mean 'neuron'?"
    ) in out


def test_backward_written_above_run_is_a_warning(tmp_path: Path) -> None:
    f = lesson(
        tmp_path,
        """\
        id: order
        title: Order
        tensors:
          w: {value: 1.0, grad: true}
        steps:
          - title: a
            backward: loss
            run: loss = w * 2
        """,
    )
    result = check_lesson(f)
    assert result.ok
    assert result.warnings[0].text.startswith(f"{f}:7:5: step 1 runs 'run' first")


def test_the_schema_carries_the_id_and_language_patterns() -> None:
    from tutor.lesson.schema import lesson_schema

    schema = lesson_schema()
    assert schema["properties"]["id"]["pattern"] == "^[a-z0-9]+(-[a-z0-9]+)*$"
    text = str(schema)
    assert "propertyNames" in text


# ---------------------------------------------------------------- PyTorch habits


@pytest.mark.parametrize(
    ("statement", "says"),
    [
        ("y = torch.softmax(x, dim=-1)", "write `softmax(x, dim=-1)`"),
        ("y = F.softmax(x, dim=-1)", "write `softmax(x, dim=-1)`"),
        ("y = nn.functional.mse_loss(x, x)", "write `mse(y_hat, y)`"),
        ("y = torch.nn.utils.clip_grad_norm_(x, 1.0)", "write `clip_grad_norm([W, b], 1.0)`"),
        ("y = x.entropy()", "write `entropy(p, dim=-1)`"),
        ("y = [1.0, 2.0] * x", "a literal is written under tensors:"),
    ],
)
def test_pytorch_spellings_get_the_tutors(tmp_path: Path, statement: str, says: str) -> None:
    f = lesson(
        tmp_path,
        f"""\
        id: habits
        title: Habits
        tensors:
          x: [1.0, 2.0]
        steps:
          - title: a
            run: {statement}
        """,
    )
    assert says in first_problem(f)


def fns() -> dict:
    return make_functions(FunctionContext(torch.device("cpu"), torch.float32, torch.Generator()))


def test_new_functions_match_torch() -> None:
    f = fns()
    x = torch.tensor([[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]])
    assert torch.equal(f["tensor"]([[1.0, 2.0]]), torch.tensor([[1.0, 2.0]]))
    assert torch.equal(f["cumprod"](x, dim=1), torch.cumprod(x, 1))
    assert torch.allclose(f["entropy"](x), -(x * x.log()).sum(-1))
    assert torch.allclose(f["entropy"]([0.5, 0.5, 0.0]), torch.tensor(0.6931), atol=1e-4)
    assert torch.allclose(f["log10"](x), torch.log10(x))
    assert torch.equal(f["isnan"](torch.tensor([1.0, float("nan")])), torch.tensor([False, True]))
    assert torch.allclose(f["softmax"](x), F.softmax(x, dim=-1))
    for clip in ("clip_grad_norm", "clip_grad_value"):
        a = torch.tensor([3.0, 4.0], requires_grad=True)
        b = torch.tensor([3.0, 4.0], requires_grad=True)
        (a * a).sum().backward()
        (b * b).sum().backward()
        if clip == "clip_grad_norm":
            got = f[clip]([a], 1.0)
            want = torch.nn.utils.clip_grad_norm_([b], 1.0)
            assert torch.allclose(got, want)
        else:
            f[clip]([a], 5.0)
            torch.nn.utils.clip_grad_value_([b], 5.0)
        assert torch.allclose(a.grad, b.grad, atol=1e-6)


def test_multinomial_draws_from_the_lessons_generator() -> None:
    p = torch.tensor([[0.1, 0.2, 0.7]])
    g = torch.Generator().manual_seed(3)
    ctx = FunctionContext(torch.device("cpu"), torch.float32, torch.Generator().manual_seed(3))
    got = make_functions(ctx)["multinomial"](p, 5)
    want = torch.multinomial(p.double(), 5, replacement=True, generator=g)
    assert torch.equal(got.cpu(), want)


def test_tensor_methods_that_lessons_now_use(tmp_path: Path) -> None:
    f = lesson(
        tmp_path,
        """\
        id: methods
        title: Methods
        tensors:
          x: [1.0, 2.0, 3.0]
        steps:
          - title: a
            run: |
              c = x.cumprod(0)
              x.requires_grad_()
              n = isnan(log10(x)).sum()
            expect: {c: [1.0, 2.0, 6.0], n: 0}
        """,
    )
    assert check_lesson(f).ok


def test_the_docs_list_every_function_from_the_code() -> None:
    from tutor.engine.functions import _FUNCTIONS

    assert set(FUNCTIONS) == set(_FUNCTIONS)
    assert all(desc and example for desc, example in FUNCTIONS.values())
    for doc in ("authoring.md", "authoring.zh.md"):
        text = (ROOT / "docs" / doc).read_text(encoding="utf-8")
        assert markdown_table() in text, f"docs/{doc}: run python -m tutor.engine.docs"


# ---------------------------------------------------------------- export


def test_export_exits(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = lesson(
        tmp_path,
        """\
        id: broken
        title: Broken
        steps:
          - title: a
            run: y = nothing
        """,
    )
    out = tmp_path / "b.md"
    assert main(["export", str(broken), "-o", str(out)]) == 1
    assert not out.exists()
    assert main(["export", str(broken), "-o", str(out), "--force"]) == 0
    assert "NOT CHECKED" in out.read_text(encoding="utf-8")
    assert main(["export", str(broken), "-o", str(tmp_path / "no" / "b.md")]) == 2
    assert main(["export", str(broken), "-o", str(tmp_path / "b.pdf")]) == 2
    err = capsys.readouterr().err
    assert "no folder" in err and "cannot export to '.pdf' files" in err


def test_a_plot_marks_nan_and_inf_instead_of_dropping_them() -> None:
    from tutor.engine.views import PlotView
    from tutor.render.plot import LinePlot

    values = [1.0, 10.0, 1e6, float("inf"), float("nan")]
    lines = LinePlot(PlotView({"loss": values}, title="boom")).lines(100, colour=False)
    legend = next(line.plain for line in lines if "● loss" in line.plain)
    assert "inf and nan from point 3 (2 of 5)" in legend
    top = lines[1].plain  # the inf is a dot on the top edge, right of the 1e6 peak
    peak = top.index("⠁")
    assert top.rstrip()[-1] != " " and top.rstrip().rindex("⠁") > peak + 10


@pytest.mark.parametrize("suffix", ["md", "html"])
def test_hints_are_in_the_teachers_edition_only(tmp_path: Path, suffix: str) -> None:
    f = lesson(
        tmp_path,
        """\
        id: hinted
        title: Hinted
        tensors:
          x: [1.0, 2.0]
        steps:
          - title: guess
            ask: What is x.sum()?
            answer: x.sum()
            hints: [Add the two entries, One plus two]
          - title: which
            choose: {question: Which is larger?, options: [the first, the second], answer: 1}
            hint: Look at the second entry
        """,
    )
    teacher, handout = tmp_path / f"t.{suffix}", tmp_path / f"h.{suffix}"
    assert main(["export", str(f), "-o", str(teacher), "--answers"]) == 0
    assert main(["export", str(f), "-o", str(handout)]) == 0
    text = teacher.read_text(encoding="utf-8")
    for n, hint in [(1, "Add the two entries"), (2, "One plus two"), (1, "Look at the second")]:
        assert f"int {n}:" in text and hint in text
    assert text.index("Add the two entries") < text.index("One plus two")
    assert "Add the two entries" not in handout.read_text(encoding="utf-8")


def test_a_folder_of_copies_names_three_twins_and_counts_the_rest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ten copies of a template with its id unchanged: each file says so in one sentence (it
    listed all nine others, for each of the ten)."""
    body = "id: copy\ntitle: T\nsteps:\n  - title: a\n    run: x = 1\n"
    for n in range(10):
        (tmp_path / f"{n:02d}.yaml").write_text(body)
    assert main(["check", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert (
        f"{tmp_path / '00.yaml'}:1:5: the id 'copy' is also the id of 01.yaml, 02.yaml, 03.yaml "
        "and 6 more in this folder"
    ) in out
    assert all(len(line) < 250 for line in out.splitlines())
