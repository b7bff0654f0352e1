"""The additions of format 1.1 (issue 17): live text, author checks, sweeps, labels in both
languages, plots against a variable, in the engine, the renderers and the plain transcript."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import torch
from rich.console import Console

from tutor.engine.run import Run
from tutor.engine.views import PlotView, SweepView, TensorView
from tutor.lesson import LessonError, load_lesson
from tutor.plain import print_check, run_plain
from tutor.render import StepPanel, render_view
from tutor.render.plot import LinePlot
from tutor.session import LessonSession

HERE = Path(__file__).parent
LESSON = HERE / "format_11" / "experiments.yaml"
LESSON_01 = HERE.parent / "tutor" / "lessons" / "01-least-squares.yaml"


def render(renderable: object, width: int = 100) -> str:
    console = Console(record=True, width=width, color_system=None, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "lesson.yaml"
    path.write_text(text, encoding="utf-8")
    return path


# ------------------------------------------------------------------ live text


def test_placeholders_are_filled_and_filled_again_after_a_knob_turns() -> None:
    run = Run(load_lesson(LESSON), device="cpu")
    run.goto(3)
    assert run.view(1).text.startswith("The sum of x is 10.0000, at most 4.0; $e^{x}$")
    before = run.view(2).text
    assert before.startswith("With lr = 0.1 the loss falls to 0.0002")
    question = LessonSession(run).question(3)
    assert question is not None and question.prompt == "What is w now? It is 0.988."
    assert question.hints == ("It is 0.99 or so.",)
    run.set_param("lr", 0.01)
    assert run.view(2).text.startswith("With lr = 0.01 the loss falls to 0.4641")
    question = LessonSession(run).question(3)
    assert question is not None and question.prompt == "What is w now? It is 0.332."


def test_a_placeholder_that_does_not_parse_is_a_located_load_error(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "id: t\ntitle: T\nsteps:\n  - title: a\n    text: 'x is {{ x + }} here'\n",
    )
    with pytest.raises(LessonError) as caught:
        load_lesson(path)
    assert str(caught.value.first).startswith(f"{path}:5:")
    assert "is not an expression" in str(caught.value.first)


def test_a_placeholder_naming_nothing_fails_the_step_located(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "id: t\ntitle: T\nsteps:\n  - title: a\n    run: a = 1\n    text: |\n"
        "      one line\n      and {{ nothing | .2f }}\n",
    )
    outcome = Run(load_lesson(path), device="cpu").run_all()[0]
    assert outcome.error is not None
    assert str(outcome.error.first).startswith(f"{path}:8:14: in step 1, 'nothing'")


# ------------------------------------------------------------------ author checks


def test_a_knob_dependent_expect_is_skipped_and_a_knob_free_one_still_checked(
    tmp_path: Path,
) -> None:
    text = LESSON.read_text(encoding="utf-8").replace("h: 1.0", "h: 1.0\n      x: 0.0")
    lesson = load_lesson(write(tmp_path, text))
    run = Run(lesson, device="cpu", params={"lr": 0.5})
    outcome = run.run_all()[0]
    by_name = {e.name: e for e in outcome.expects}
    assert by_name["h"].skipped == "lr" and by_name["h"].ok  # h = lr * 10: not failed
    assert not by_name["Q"].skipped and by_name["Q"].ok  # no knob in Q: still checked
    assert not by_name["x"].ok  # a wrong knob-free check fails whatever the knob
    run.set_param("lr", 0.1)
    assert not run.outcome(1).expects[1].skipped and run.outcome(1).expects[1].ok


def test_lesson_01_step_10_with_lr_turned_is_skipped_not_red() -> None:
    run = Run(load_lesson(LESSON_01), device="cpu", params={"lr": 0.005})
    outcomes = run.run_all()
    assert all(o.ok for o in outcomes)
    assert [e.skipped for e in outcomes[9].expects] == ["lr", "lr", "lr"]
    learner = render(StepPanel(run.view(10)))
    author = render(StepPanel(run.view(10), author=True))
    assert "✗" not in learner and "skipped" not in learner and "✓" not in learner
    assert "– w: skipped (lr turned" in author


def test_check_says_which_checks_a_turned_knob_skipped() -> None:
    out = io.StringIO()
    code = print_check(
        [LESSON_01], device="cpu", lang=None, console=Console(file=out), sets=["lr=0.005"]
    )
    assert code == 0
    assert "skipped: step 10, w (lr turned)" in out.getvalue()


# ------------------------------------------------------------------ experiments


def test_a_sweep_leaves_the_state_of_a_plain_run_at_the_current_value(tmp_path: Path) -> None:
    swept = Run(load_lesson(LESSON), device="cpu", params={"lr": 0.1})
    swept.goto(2)
    plain_text = LESSON.read_text(encoding="utf-8").replace(
        "    sweep: {param: lr, values: [0.01, 0.1]}\n", ""
    )
    plain = Run(load_lesson(write(tmp_path, plain_text)), device="cpu", params={"lr": 0.1})
    plain.goto(2)
    for name in ("w", "loss"):
        assert torch.equal(swept.value(name), plain.value(name))
    views = swept.view(2).views
    sweep = next(v for v in views if isinstance(v, SweepView))
    assert sweep.labels == ("lr = 0.01", "lr = 0.1")
    plot = next(v for v in views if isinstance(v, PlotView))
    assert list(plot.series) == ["lr = 0.01", "lr = 0.1"]
    last = sweep.views[1]
    assert isinstance(last, TensorView)
    assert last.data.tolist() == pytest.approx(plain.value("w").tolist())


def test_a_sweep_reruns_when_the_state_before_it_changes() -> None:
    run = Run(load_lesson(LESSON), device="cpu")
    run.goto(2)
    first = run.view(2).views
    assert run.set_param("lr", 0.05) == 1  # step 1 reads lr: the sweep re-runs after it
    assert run.view(2).views is not first
    assert run.view(2).text.startswith("With lr = 0.05")


def test_a_sweep_is_drawn_side_by_side_labelled_with_each_value() -> None:
    run = Run(load_lesson(LESSON), device="cpu")
    run.goto(2)
    text = render(StepPanel(run.view(2)), width=100)
    row = next(line for line in text.splitlines() if "lr = 0.01" in line)
    assert row.split() == ["lr", "=", "0.01", "lr", "=", "0.1"]  # one row: side by side
    assert "[ 0.3324 ]" in text and "[ 0.9885 ]" in text


# ------------------------------------------------------------------ labels


def test_labels_per_language_on_a_spec_and_on_a_computed_tensor() -> None:
    lesson = load_lesson(LESSON)
    for lang, rows in (("en", ("I", "tea")), ("zh", ("我", "茶"))):
        run = Run(lesson, device="cpu", lang=lang)
        run.goto(1)
        q = run.view(1).views[0]
        assert isinstance(q, TensorView)
        assert q.row_labels == rows and q.col_labels == ("d1", "d2")
        assert run.labels["x"] == (rows, rows)
    text = render(render_view(q), width=60)
    assert "我" in text and "d1" in text and "8.0000" in text


def test_labels_that_are_not_lists_are_refused_with_their_place(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "id: t\ntitle: T\ntensors:\n  x: {value: [1.0], labels: {english: [a]}}\n"
        "steps:\n  - title: a\n    show: [x]\n",
    )
    with pytest.raises(LessonError) as caught:
        load_lesson(path)
    assert "'english' is not a language code" in str(caught.value)


# ------------------------------------------------------------------ plots


def test_a_plot_against_a_variable_names_its_axis_and_takes_a_log_scale() -> None:
    run = Run(load_lesson(LESSON), device="cpu")
    run.goto(3)
    plot = next(v for v in run.view(3).views if isinstance(v, PlotView))
    assert plot.x_name == "w_i" and plot.log
    assert plot.x["loss_w"] == [0.0, 0.5, 1.0, 1.5, 2.0]
    text = render(LinePlot(plot), width=80)
    assert "w_i" in text and "iteration" not in text.split("\n", 1)[1]
    assert "0.001" in text and "1.001" in text and "log scale" in text


def test_series_of_very_different_sizes_each_use_the_whole_chart() -> None:
    plot = PlotView({"big": [1000.0, 500.0, 0.0], "small": [0.0, 0.001, 0.002, 0.003]})
    lines = LinePlot(plot, height=6).lines(60, colour=True)
    text = "\n".join(line.plain for line in lines)
    assert "own scale" in text
    top = lines[1].plain  # the first row of the chart: both curves reach it
    assert top.count("⠁") + top.count("⠉") + top.count("⠈") + top.count("⠑") >= 1


# ------------------------------------------------------------------ the plain transcript


def test_plain_transcript_with_set_changes_the_sentences() -> None:
    def transcript(*sets: str) -> str:
        out = io.StringIO()
        console = Console(file=out, width=200, color_system=None)
        run_plain(
            LESSON_01, device="cpu", lang="en", sets=sets, stdin=io.StringIO(), console=console
        )
        return out.getvalue()

    default, turned = transcript(), transcript("lr=0.005")
    assert "w has reached 2.10 and b 0.50" in default
    assert "w has reached 2.07 and b 0.59" in turned
    assert "differ by at most 0.091" in turned and "differ by at most 0.091" not in default
    assert "✗" not in turned and "✓ w" not in default  # the author's checks stay the author's


def test_a_sweep_after_a_backward_runs_from_values_without_their_graph() -> None:
    from tutor.engine.check import check_lesson

    template = HERE.parent / "tutor" / "templates" / "training.yaml"
    result = check_lesson(template, device="cpu")  # its sweep follows `backward: loss`
    assert result.ok, result.problem
