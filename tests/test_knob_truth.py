"""Sentences that judge what the numbers show stay true when the learner turns a knob: each
one is read at the knob's starting value and at a value where its old, fixed wording was false,
in English and in Chinese."""

from __future__ import annotations

import functools
from typing import Any

from tutor.engine.run import Run
from tutor.lesson import load_lesson, pick
from tutor.lesson.live import fill

from .conftest import LESSONS


@functools.cache
def _run(name: str, **params: Any) -> Run:
    """The lesson run to its end with these knobs (each setting run once for the module)."""
    (path,) = LESSONS.glob(f"{name}-*.yaml")
    run = Run(load_lesson(path), device="cpu", params=params)
    outcomes = run.run_all()
    assert not any(o.error for o in outcomes), [o.error for o in outcomes if o.error]
    return run


def _text(run: Run, step_id: str, lang: str = "en", field: str = "text") -> str:
    """The sentence as the learner reads it in `lang`, its line breaks as spaces."""
    k, step = next((k, s) for k, s in enumerate(run.lesson.steps, start=1) if s.id == step_id)
    filled = run.outcome(k).filled
    return " ".join(fill(pick(getattr(step, field), lang), filled).split())


def test_06_sgd_is_hard_to_beat_only_where_it_leads() -> None:
    """At lr 0.05 SGD has the lowest loss of the four at iteration 3; at 0.11 RMSProp is lower
    and at 0.005 momentum is, so 'hard to beat' would be false there."""
    default = _run("06")
    assert "hard to beat" in _text(default, "race")
    assert "很难被超越" in _text(default, "race", "zh")
    for lr in (0.11, 0.005):
        turned = _run("06", lr=lr)
        assert "hard to beat" not in _text(turned, "race")
        assert "not the lowest of the four" in _text(turned, "race")
        assert "不是四个里最低的" in _text(turned, "race", "zh")


def test_06_adam_slope_is_steady_only_where_it_never_rises() -> None:
    default, wobbly = _run("06"), _run("06", lr=0.11)
    assert int((default.value("h_adam")[1:40] > default.value("h_adam")[0:39]).sum()) == 0
    assert "come down in a steady slope" in _text(default, "race")
    assert int((wobbly.value("h_adam")[1:40] > wobbly.value("h_adam")[0:39]).sum()) > 0
    assert "steady slope" not in _text(wobbly, "race")
    assert "Adam with small wobbles" in _text(wobbly, "race")
    assert "略有起伏" in _text(wobbly, "race", "zh")


def test_06_momentum_rises_are_counted_not_assumed() -> None:
    """'up again to … at 6' was false at lr 0.02 (the loss fell from iteration 5 to 6)."""
    for lr in (0.05, 0.02):
        run = _run("06", lr=lr)
        h = run.value("h_mom")
        rises = int((h[1:40] > h[0:39]).sum())
        assert f"its loss rose at {rises} of these 40 iterations" in _text(run, "race")
        assert "up again" not in _text(run, "race")


def test_06_rmsprop_hovers_only_where_it_has_arrived() -> None:
    """At lr 0.005 RMSProp is still at 6.7 after 200 steps, falling every step: not hovering."""
    default, slow = _run("06"), _run("06", lr=0.005)
    for step_id in ("race-on", "where-they-ended"):
        assert "hovers" in _text(default, step_id)
        assert "hovers" not in _text(slow, step_id)
        assert "徘徊" in _text(default, step_id, "zh") or "来回晃" in _text(default, step_id, "zh")
        assert "还在" in _text(slow, step_id, "zh")
    assert "still coming down" in _text(slow, "race-on")
    assert "RMSProp is still on its way" in _text(slow, "where-they-ended")


def test_06_sgd_creeps_only_while_it_is_still_off() -> None:
    """At lr 0.11 SGD's b is within 0.001 of the answer: it is not creeping any more."""
    default, fast = _run("06"), _run("06", lr=0.11)
    assert "still creeping along the flat floor" in _text(default, "where-they-ended")
    assert "creeping" not in _text(fast, "where-they-ended")
    assert "SGD got there too" in _text(fast, "where-they-ended")
    assert "SGD 也到了" in _text(fast, "where-they-ended", "zh")


def test_01_more_steps_help_only_while_the_gap_is_real() -> None:
    """At lr 0.11 gradient descent is within float32 rounding of the formula (1.5e-06): more
    steps would not close that gap."""
    default, fast = _run("01"), _run("01", lr=0.11)
    assert "more steps would close the gap further" in _text(default, "compare")
    assert "再多走几步，差距还会更小" in _text(default, "compare", "zh")
    assert "more steps would close" not in _text(fast, "compare")
    assert "float32 rounding" in _text(fast, "compare")
    assert "float32 的舍入误差" in _text(fast, "compare", "zh")


def test_07_shares_in_words_follow_the_threshold() -> None:
    """At threshold 0.5 precision is 0.76 ('three times in four'), recall 0.52 ('only half'),
    accuracy 0.79 ('four in five'); at 0.1 they are 0.33, 0.99 and 0.36, below the 0.68 of
    always saying healthy."""
    default, low = _run("07"), _run("07", threshold=0.1)
    metrics = _text(default, "metrics")
    assert "it is right three times in four" in metrics
    assert "it finds only half of the patients" in metrics
    assert "四次里有三次是对的" in _text(default, "metrics", "zh")
    accuracy = _text(default, "predict-accuracy", field="explain")
    assert accuracy.endswith("about four patients in five.")
    metrics = _text(low, "metrics")
    assert "three times in four" not in metrics and "only half" not in metrics
    assert "it is right only about one time in three" in metrics
    assert "it finds nearly all of the patients" in metrics
    assert "几乎全都找出来了" in _text(low, "metrics", "zh")
    accuracy = _text(low, "predict-accuracy", field="explain")
    assert "four patients in five" not in accuracy
    assert "fewer than a model that always says healthy gets right" in accuracy
    assert "比一个永远说“健康”的模型判断对的还少" in _text(
        low, "predict-accuracy", "zh", field="explain"
    )


def test_07_a_model_that_never_says_diabetes_has_no_precision() -> None:
    """At threshold 0.9 nothing is predicted positive: precision is 0/0, not 'three in four'."""
    high = _run("07", threshold=0.9)
    assert float(high.value("TP") + high.value("FP")) == 0
    metrics = _text(high, "metrics")
    assert "it never says diabetes, so precision is 0/0" in metrics
    assert "it finds none of the patients who have it" in metrics
    assert "nothing to balance" in metrics
    assert "it never says it: precision is 0/0" in _text(high, "threshold-sweep")
    assert "一个也没找出来" in _text(high, "metrics", "zh")


def test_07_false_negatives_read_right_when_there_is_one() -> None:
    """'the 1 below it are the diabetic patients' at threshold 0.1; now a count of them."""
    low = _run("07", threshold=0.1)
    assert "the diabetic patients the model sent home: 1 of them." in _text(low, "confusion")


def test_08_training_accuracy_is_higher_only_where_it_is() -> None:
    """At lr 1.75 training diverges: 21.3% of the training digits right, 21.6% of the test."""
    default, wild = _run("08"), _run("08", lr=1.75)
    assert "The training accuracy is a little higher" in _text(default, "test")
    assert float(wild.value("acc_train")) <= float(wild.value("acc_test"))
    assert "a little higher" not in _text(wild, "test")
    assert "not learned even the digits it has seen" in _text(wild, "test")
    assert "并不更高" in _text(wild, "test", "zh")


def test_08_an_eight_takes_an() -> None:
    """The default's second mistake is an 8 read as a 1 (it read 'a 8')."""
    assert "an 8 read as a 1" in _text(_run("08"), "mistakes")


def test_09_no_overfitting_before_the_held_out_loss_turns() -> None:
    """At lr 0.001 the held-out loss is lowest at the last iteration: no 'rises', no gap,
    nothing that early stopping would have bought."""
    default, slow = _run("09"), _run("09", lr=0.001)
    assert "then rises again" in _text(default, "train").replace("**", "")
    assert "The gap is the overfitting seen in the plot" in _text(default, "accuracy")
    assert "11 patients more out of 192" in _text(default, "early-stopping-pays")
    assert int(slow.value("hist_loss").argmin()) == 199
    train = _text(slow, "train")
    assert "rises" not in train and "it has not started to overfit yet" in train
    assert "the turn would come after iteration 199" in train
    assert "The gap is" not in _text(slow, "accuracy")
    pays = _text(slow, "early-stopping-pays")
    assert "stopping early would not have classified one more patient right" in pays
    assert "nothing to stop early" in pays and "The last 0" not in pays
    assert "还没有开始过拟合" in _text(slow, "train", "zh")
    assert "没有什么需要早停" in _text(slow, "early-stopping-pays", "zh")


def test_09_early_stopping_can_cost_accuracy() -> None:
    """At lr 0.004 the end classifies 5 more held-out patients right than the lowest loss did
    (it said '-5 patients more')."""
    run = _run("09", lr=0.004)
    pays = _text(run, "early-stopping-pays")
    assert "5 patients fewer out of 192" in pays
    assert "loss and accuracy need not turn together" in pays
    assert "早停反而会少判断对 5 位" in _text(run, "early-stopping-pays", "zh")


def test_12_the_old_memory_stays_only_while_the_forget_gate_is_open() -> None:
    """At forget_bias −4 the forget gate is 0.017: the cell keeps 0.009 of 0.557, and the new
    input flips c's sign; 'most of the old memory stays' was false there."""
    default, shut = _run("12"), _run("12", forget_bias=-4.0)
    said = _text(default, "predict-c1", field="explain")
    assert "most of the old memory stays, and the new input pulls it down a little" in said
    assert "旧的记忆大部分留了下来" in _text(default, "predict-c1", "zh", field="explain")
    said = _text(shut, "predict-c1", field="explain")
    assert "most of the old memory" not in said
    assert "the old memory is all but erased" in said and "c changes sign" in said
    assert "旧的记忆几乎被抹掉了" in _text(shut, "predict-c1", "zh", field="explain")


def test_12_x0_still_counts_only_where_it_beats_the_rnn() -> None:
    """At forget_bias −4 x₀'s gradient is 1e8 times smaller than x₅'s, against 54 in the RNN."""
    default, shut = _run("12"), _run("12", forget_bias=-4.0)
    assert "The first input still counts at the end" in _text(
        default, "how-much-survives", field="explain"
    )
    said = _text(shut, "how-much-survives", field="explain")
    assert "still counts" not in said
    assert "x₀ counts for even less than in the RNN" in said
    assert "遗忘门几乎是关着的" in _text(shut, "how-much-survives", "zh", field="explain")


def test_18_below_ln4_only_where_the_loss_got_there() -> None:
    """At lr 0.005 the loss ends at 1.61, above ln 4 = 1.386: the model did not get below."""
    default, slow = _run("18"), _run("18", lr=0.005)
    assert "the model got below it only by reading the words" in _text(default, "train")
    assert float(slow.value("loss").detach()) > 1.3863
    assert "got below it" not in _text(slow, "train")
    assert "still above it after 50 steps" in _text(slow, "train")
    assert "还没学会读取空位周围的词" in _text(slow, "train", "zh")


def test_18_the_three_guesses_are_read_from_the_three_runs() -> None:
    """'left turns tea into soup, right into juice' held at lr 0.05; at 0.2 the right change
    leaves tea, and at 0.005 the sentence as written already guesses soup."""
    default = _text(_run("18"), "both-sides")
    assert "*tea* as written, *soup* with the left changed and *juice* with the right" in default
    assert "a word on either side changes it" in default
    assert "原句猜的是 *茶*，改了左边猜 *汤*，改了右边猜 *果汁*" in _text(
        _run("18"), "both-sides", "zh"
    )
    fast = _text(_run("18", lr=0.2), "both-sides")
    assert "*tea* as written, *salad* with the left changed and *tea* with the right" in fast
    assert "not every change moves the guess" in fast
    slow = _text(_run("18", lr=0.005), "both-sides")
    assert "*soup* as written" in slow


def test_19_a_step_that_raises_the_loss_is_called_an_overshoot() -> None:
    run = _run("19", lr=1.0)
    assert float(run.value("loss_after").detach()) > float(run.value("loss").detach())
    assert "higher than it started: at this `lr` the step overshoots" in _text(run, "update")
    assert "走过了头" in _text(run, "update", "zh")
    assert "higher than it started: at this" not in _text(_run("19"), "update")


def test_20_one_batch_of_1200_is_the_whole_set() -> None:
    """At batch 1200 there is one batch per epoch: batch 3 was empty (xb 0×64, loss nan), the
    batch loss was called a noisy estimate of itself, and '8 steps … after 160 epochs' was
    printed for 160 steps."""
    whole = _run("20", batch=1200)
    assert tuple(whole.value("xb").shape) == (1200, 64)
    assert "**1** step, computed from all 1200 digits" in _text(
        whole, "how-many-batches", field="explain"
    )
    assert "noisy estimate" not in _text(whole, "one-step")
    assert "its loss and gradient are exact" in _text(whole, "one-step")
    train = _text(whole, "train")
    assert train.startswith("160 steps") and "After 160 epochs" in train
    assert "jumps from batch to batch" not in train
    assert "192000 digit-passes" in _text(whole, "per-epoch")
    assert "每步都用 1200 个样本" in _text(whole, "per-epoch", "zh")
    default = _run("20")
    assert "noisy estimate" in _text(default, "one-step")
    assert "falls in steady stairs. After 8 epochs" in _text(default, "train")


def test_20_steps_and_epochs_are_counted_as_run() -> None:
    """At batch 10 the loop still takes 160 steps (it said 960), 1.33 epochs (it said 2)."""
    small = _text(_run("20", batch=10), "train")
    assert small.startswith("160 steps") and "After 1.33 epochs" in small
    assert "1600 digit-passes" in _text(_run("20", batch=10), "per-epoch")


def test_20_no_steady_stairs_where_the_network_learns_nothing() -> None:
    """At lr 1.5 the validation loss ends above where it began and training accuracy is 18%."""
    wild = _run("20", lr=1.5)
    train = _text(wild, "train")
    assert "steady stairs" not in train and "does not fall" in train
    assert "is what the network learned" not in _text(wild, "per-epoch")
    assert "has learned almost nothing" in _text(wild, "per-epoch")
    assert "并没有下降" in _text(wild, "train", "zh")


def test_21_early_stopping_only_stops_inside_the_run() -> None:
    """With dropout at p 0.9 the last improvement is at step 99: 'stops at step 119' and 'the
    steps after that' described steps that never ran."""
    default, still = _run("21"), _run("21", reg="dropout", p_drop=0.9)
    said = _text(default, "early-stopping")
    assert "training stops at step 95. The steps after that took the validation loss only to" in (
        said
    )
    said = _text(still, "early-stopping")
    assert "would stop at step 119, after the 100 steps are over" in said
    assert "The steps after that" not in said
    assert "没有什么需要停" in _text(still, "early-stopping", "zh")


def test_21_the_loss_after_the_stop_can_rise() -> None:
    """With weight decay λ 0.1 the validation loss goes from 0.710 back up to 1.254."""
    said = _text(_run("21", reg="decay", wd=0.1), "early-stopping")
    assert "took the validation loss back up to 1.254" in said and "only to" not in said


def test_21_no_decay_shrinks_nothing() -> None:
    said = _text(_run("21", wd=0.0), "write-decay", field="explain")
    assert "shrinks nothing" in said and "only weights the data keep pushing" not in said
    assert "什么也不缩小" in _text(_run("21", wd=0.0), "write-decay", "zh", field="explain")


def test_24_the_head_learned_where_to_look_only_where_it_looks_there() -> None:
    """At lr 1 row 2 looks hardest at position 1 and row 5 at itself; at lr 0.05 both look
    hardest at position 2, and at temperature 3 the couplet is not grammatical."""
    default = _run("24")
    assert "this head learned where to look in 80 steps" in _text(default, "head")
    assert "学会了该往哪里看" in _text(default, "head", "zh")
    slow = _run("24", lr=0.05)
    assert int(slow.value("A")[2].argmax()) != 1
    assert "learned where to look" not in _text(slow, "head")
    assert "80 steps at this `lr` have not quite learned it" in _text(slow, "head")
    hot = _text(_run("24", temperature=3.0), "head")
    assert "learned where to look in 80" not in hot and "drawn at this temperature" in hot


def test_24_below_the_free_choices_only_where_the_loss_is() -> None:
    """At lr 0.05 the loss ends at 0.750, above the 0.597 the free choices cost."""
    assert "a loss below that, as here, means" in _text(_run("24"), "train")
    assert "(not reached at this `lr`)" in _text(_run("24", lr=0.05), "train")


def test_08_the_gap_is_overfitting_only_where_there_is_one() -> None:
    wild = _run("08", lr=1.75)
    said = _text(wild, "why-test", field="explain")
    assert "first sign of overfitting" not in said
    assert "has not fitted them any better than new ones" in said
    assert "first sign of overfitting" in _text(_run("08"), "why-test", field="explain")


def test_09_the_training_loss_keeps_falling_only_where_it_never_rises() -> None:
    """At lr 0.05 Adam's training loss rose at 32 of the 200 steps: not 'keeps falling'."""
    assert "The training loss keeps falling, to 0.25" in _text(_run("09"), "train")
    bumpy = _run("09", lr=0.05)
    h = bumpy.value("hist_train")
    rises = int((h[1:] > h[:-1]).sum())
    assert rises > 0
    said = _text(bumpy, "train")
    assert "keeps falling" not in said and f"it rose at {rises} of the 200 steps" in said
    assert f"200 步里有 {rises} 步比前一步高" in _text(bumpy, "train", "zh")


def test_05_the_last_factor_says_which_way_the_loss_goes() -> None:
    """At lr 0.1 the loss overflows to inf and the factor is nan: it is named, not left bare."""
    run = _run("05", lr=0.1)
    sweep = next(s.id for s in run.lesson.steps if s.sweep)
    assert "so it is still falling" in _text(_run("05"), sweep)
    said = _text(run, sweep)
    assert "multiplied by nan: the loss overflowed float32" in said
    assert "超出 float32 的范围" in _text(run, sweep, "zh")
    assert "so it is growing" in _text(_run("05", lr=0.05), sweep)


def test_20_ragged_and_smooth_is_scoped_to_the_starting_lr() -> None:
    """At lr 1.5 the full-batch validation curve rises at 26 of its 80 steps: 'smooth' is said
    of the starting lr only."""
    assert "it is smooth, but every step" in _text(_run("20"), "batch-size")
    said = _text(_run("20", lr=1.5), "batch-size")
    assert "it is smooth (so at the starting `lr` = 0.5; the plot shows them at this `lr`)" in said


def test_21_regularising_too_hard_costs_validation_loss() -> None:
    """Dropout at p 0.9 ends at validation loss 1.05 and decay at λ 0.1 at 1.25, both above
    plain training's 0.49: 'to keep the validation loss lower' needs its caveat there."""
    assert "Pushed too far" not in _text(_run("21"), "which-helps", field="explain")
    said = _text(_run("21", p_drop=0.9), "which-helps", field="explain")
    assert "Pushed too far, as now" in said and "dropout ends with a higher validation" in said
    assert "权重衰减最后的验证损失反而高于" in _text(
        _run("21", reg="decay", wd=0.1), "which-helps", "zh", field="explain"
    )
