"""The lesson functions, checked against torch, hand-counted values and DESIGN.md's numbers."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from tutor.engine.errors import LessonRuntimeError
from tutor.engine.functions import (
    FunctionContext,
    as_tensor,
    confusion_metrics,
    make_functions,
)
from tutor.engine.limits import MAX_ELEMENTS

Fns = dict[str, Callable[..., Any]]

REQUIRED = (
    "mse l1 cross_entropy bce softmax log_softmax sigmoid relu leaky_relu tanh matmul linear "
    "layer_norm conv2d max_pool2d avg_pool2d attention attention_weights causal_mask "
    "positional_encoding one_hot confusion precision recall f1 accuracy zeros ones randn rand "
    "arange eye cat stack sqrt exp log abs sum mean max min argmax clamp transpose reshape "
    "embedding dropout"
).split()


def _ctx(seed: int = 0, dtype: torch.dtype = torch.float32) -> FunctionContext:
    return FunctionContext(
        device=torch.device("cpu"),
        dtype=dtype,
        generator=torch.Generator(device="cpu").manual_seed(seed),
    )


@pytest.fixture
def ctx() -> FunctionContext:
    return _ctx()


@pytest.fixture
def fn(ctx: FunctionContext) -> Fns:
    return make_functions(ctx)


def close(actual: Any, expected: Any, tol: float = 1e-4) -> bool:
    a = torch.as_tensor(actual, dtype=torch.float64)
    e = torch.as_tensor(expected, dtype=torch.float64)
    return a.shape == e.shape and torch.allclose(a, e, atol=tol, rtol=tol)


def refused(call: Callable[[], Any], *words: str) -> str:
    """Run `call`, expect a LessonRuntimeError, and check that its message holds `words`."""
    with pytest.raises(LessonRuntimeError) as info:
        call()
    message = info.value.message
    for word in words:
        assert word in message, message
    return message


# ---------------------------------------------------------------------------------------------
# The table and conversions


def test_every_required_name_is_there(fn: Fns) -> None:
    assert set(REQUIRED) <= set(fn)
    assert "pi" not in fn
    assert all(callable(f) for f in fn.values())
    assert fn["softmax"].__name__ == "softmax"


def test_as_tensor_dtypes(ctx: FunctionContext) -> None:
    assert as_tensor(2.0, ctx).dtype == torch.float32
    assert as_tensor(2, ctx).dtype == torch.long
    assert as_tensor(True, ctx).dtype == torch.bool
    assert as_tensor([[1, 2], [3, 4.5]], ctx).dtype == torch.float32
    assert as_tensor([1, 2], ctx).dtype == torch.long
    t = torch.ones(2, dtype=torch.float64)
    assert as_tensor(t, ctx) is t  # a tensor keeps its dtype and identity
    stacked = as_tensor([torch.tensor(1.0), torch.tensor(2.0)], ctx)
    assert stacked.tolist() == [1.0, 2.0]


def test_as_tensor_float64_lesson_keeps_precision() -> None:
    t = as_tensor([0.1, 0.2], _ctx(dtype=torch.float64))
    assert t.dtype == torch.float64
    assert t[0].item() == 0.1


def test_as_tensor_refuses_text(ctx: FunctionContext) -> None:
    refused(lambda: as_tensor("abc", ctx), "'abc'")
    refused(lambda: as_tensor([[1, 2], [3]], ctx), "cannot make a tensor")


def test_plain_numbers_accepted(fn: Fns) -> None:
    assert close(fn["sqrt"](2.0), math.sqrt(2))
    assert close(fn["sqrt"](2), math.sqrt(2))
    assert close(fn["exp"](1), math.e)
    assert close(fn["log"](math.e), 1.0)
    assert fn["sqrt"](2).dtype == torch.float32
    assert close(fn["abs"]([-1.5, 2.0]), [1.5, 2.0])
    assert close(fn["sigmoid"](0), 0.5)
    assert close(fn["tanh"](0.0), 0.0)


def test_float64_lesson_gives_float64() -> None:
    fn64 = make_functions(_ctx(dtype=torch.float64))
    assert fn64["sqrt"](2).dtype == torch.float64
    assert fn64["zeros"](2).dtype == torch.float64
    assert fn64["positional_encoding"](2, 4).dtype == torch.float64


# ---------------------------------------------------------------------------------------------
# Losses


def test_design_loss_numbers(fn: Fns) -> None:
    assert close(fn["l1"]([1.0, 2, 3], [1.0, 2, 5]), 0.6667)
    assert close(fn["mse"]([1.0, 2, 3], [1.0, 2, 5]), 1.3333)
    assert close(fn["cross_entropy"]([[0.1, 0.2, 0.3]], [1]), 1.1019)


def test_losses_match_torch(fn: Fns) -> None:
    g = torch.Generator().manual_seed(1)
    a, b = torch.randn(5, 3, generator=g), torch.randn(5, 3, generator=g)
    assert close(fn["mse"](a, b), F.mse_loss(a, b))
    assert close(fn["l1"](a, b), F.l1_loss(a, b))
    p, t = torch.sigmoid(a), (b > 0).float()
    assert close(fn["bce"](p, t), F.binary_cross_entropy(p, t))
    target = torch.tensor([0, 2, 1, 1, 0])
    assert close(fn["cross_entropy"](a, target), F.cross_entropy(a, target))
    probs = torch.softmax(b, -1)
    assert close(fn["cross_entropy"](a, probs), F.cross_entropy(a, probs))


def test_cross_entropy_target_forms(fn: Fns) -> None:
    logits = [[0.1, 0.2, 0.3]]
    assert close(fn["cross_entropy"](logits, [1.0]), 1.1019)  # whole floats become classes
    assert close(fn["cross_entropy"]([0.1, 0.2, 0.3], 1), 1.1019)  # one unbatched example
    assert close(fn["cross_entropy"]([0.1, 0.2, 0.3], [1]), 1.1019)
    refused(lambda: fn["cross_entropy"](logits, [0.5]), "cross_entropy:", "whole numbers")
    refused(lambda: fn["cross_entropy"](logits, [3]), "class 3 is out of range", "3 classes")
    refused(lambda: fn["cross_entropy"](logits, [-1]), "class -1")
    refused(lambda: fn["cross_entropy"](logits, [1, 2]), "1×3", "shape 1")


def test_loss_refuses_mismatched_shapes(fn: Fns) -> None:
    message = refused(lambda: fn["mse"](torch.ones(4, 1), torch.ones(4)))
    assert message == (
        "mse: the prediction is 4×1 but the target is 4; they must have the same shape"
    )
    refused(lambda: fn["l1"](torch.ones(4, 1), torch.ones(4)), "l1:", "4×1")
    refused(lambda: fn["bce"](torch.ones(2, 1) / 2, torch.ones(2)), "bce:", "2×1")


def test_bce_refuses_values_outside_0_1(fn: Fns) -> None:
    refused(lambda: fn["bce"]([0.5, 1.2], [0.0, 1.0]), "bce:", "1.2", "sigmoid")
    refused(lambda: fn["bce"]([0.5, float("nan")], [0.0, 1.0]), "between 0 and 1")


def test_linear_layer_design_example(fn: Fns) -> None:
    x = [[1.0, 2.0], [2.0, 3.0], [3.0, 4.0], [4.0, 5.0]]
    y = torch.tensor([[2.0], [3.0], [4.0], [5.0]])
    W = torch.tensor([[0.5], [0.5]], requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    y_hat = fn["linear"](x, W, b)
    assert close(y_hat, [[1.5], [2.5], [3.5], [4.5]])
    loss = fn["mse"](y_hat, y)
    assert close(loss, 0.25)
    loss.backward()
    assert close(W.grad, [[-2.5], [-3.5]])
    assert close(b.grad, [-1.0])
    assert close(fn["matmul"](x, W.detach()), [[1.5], [2.5], [3.5], [4.5]])


def test_linear_and_matmul_name_the_sizes(fn: Fns) -> None:
    refused(lambda: fn["matmul"](torch.ones(4, 3), torch.ones(2, 1)), "matmul:", "4×3", "2×1")
    refused(lambda: fn["linear"](torch.ones(4, 3), torch.ones(2, 1)), "linear:", "in×out")
    refused(lambda: fn["linear"](torch.ones(4, 2), torch.ones(2, 1), torch.ones(3)), "b")
    # long @ float is an error in torch; here the long side is promoted
    assert close(fn["matmul"]([[1, 2]], [[0.5], [0.5]]), [[1.5]])


def test_matmul_result_size_is_checked_first(fn: Fns) -> None:
    side = math.isqrt(MAX_ELEMENTS) + 1
    refused(lambda: fn["matmul"](torch.ones(side, 1), torch.ones(1, side)), "limit")


# ---------------------------------------------------------------------------------------------
# Activations, normalisation, reductions


def test_softmax_family(fn: Fns) -> None:
    x = torch.tensor([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    assert close(fn["softmax"](x), torch.softmax(x, -1))
    assert close(fn["softmax"](x, dim=0), torch.softmax(x, 0))
    assert close(fn["log_softmax"](x), torch.log_softmax(x, -1))
    assert close(fn["softmax"](x).sum(-1), [1.0, 1.0])
    message = refused(lambda: fn["softmax"](x, 3))
    assert message == "softmax: dim 3 is out of range for a tensor of 2 dimensions"
    refused(lambda: fn["softmax"](x, dim=1.5), "softmax:", "whole number")


def test_activations(fn: Fns) -> None:
    x = torch.tensor([-2.0, 0.0, 3.0])
    assert close(fn["relu"](x), [0.0, 0.0, 3.0])
    assert close(fn["leaky_relu"](x), [-0.02, 0.0, 3.0])
    assert close(fn["leaky_relu"](x, slope=0.1), [-0.2, 0.0, 3.0])
    assert close(fn["sigmoid"](x), torch.sigmoid(x))
    assert close(fn["tanh"](x), torch.tanh(x))


def test_layer_norm(fn: Fns) -> None:
    x = torch.tensor([[1.0, 2.0, 3.0], [2.0, 4.0, 8.0]])
    assert close(fn["layer_norm"](x), F.layer_norm(x, (3,)))
    w, b = torch.tensor([1.0, 2.0, 3.0]), torch.tensor([0.0, 1.0, 0.0])
    assert close(fn["layer_norm"](x, weight=w, bias=b), F.layer_norm(x, (3,), w, b))
    assert close(fn["layer_norm"](x, eps=0.1), F.layer_norm(x, (3,), eps=0.1))
    refused(lambda: fn["layer_norm"](x, weight=[1.0, 2.0]), "layer_norm:", "weight")
    refused(lambda: fn["layer_norm"](x, w), "weight=")


def test_batch_norm_matches_torch_in_training_mode(fn: Fns) -> None:
    g = torch.Generator().manual_seed(3)
    x = torch.randn(16, 5, generator=g) * 3 + 2
    expected = F.batch_norm(x, None, None, training=True)
    assert close(fn["batch_norm"](x), expected)
    assert close(fn["batch_norm"](x), torch.nn.BatchNorm1d(5, affine=False)(x))
    out = fn["batch_norm"](x)
    assert close(out.mean(0), torch.zeros(5), 1e-5)
    assert close(out.var(0, unbiased=False), torch.ones(5), 1e-3)
    w, b = torch.rand(5, generator=g), torch.rand(5, generator=g)
    assert close(fn["batch_norm"](x, weight=w, bias=b), F.batch_norm(x, None, None, w, b, True))
    assert close(fn["batch_norm"](x, eps=0.5), F.batch_norm(x, None, None, training=True, eps=0.5))
    refused(lambda: fn["batch_norm"](x, weight=[1.0, 2.0]), "batch_norm:", "weight")
    refused(lambda: fn["batch_norm"](torch.ones(1, 3)), "batch_norm:", "2 rows")


def test_reductions(fn: Fns) -> None:
    x = torch.tensor([[1.0, 5.0], [3.0, 2.0]])
    assert close(fn["sum"](x), 11.0)
    assert close(fn["sum"](x, dim=0), [4.0, 7.0])
    assert close(fn["mean"](x, 1), [3.0, 2.5])
    assert close(fn["mean"]([1, 2]), 1.5)  # integers averaged as floats
    assert close(fn["max"](x), 5.0)
    assert close(fn["max"](x, dim=1), [5.0, 3.0])  # values only
    assert close(fn["min"](x, 0), [1.0, 2.0])
    assert fn["argmax"](x).item() == 1
    assert fn["argmax"](x, dim=1).tolist() == [1, 0]
    assert fn["sum"](x, dim=1, keepdim=True).shape == (2, 1)
    refused(lambda: fn["max"](torch.ones(0)), "max:", "empty")
    refused(lambda: fn["sum"](x, dim=2), "sum:", "dim 2")


def test_clamp_transpose_reshape(fn: Fns) -> None:
    x = torch.tensor([[-1.0, 2.0, 5.0]])
    assert close(fn["clamp"](x, min=0), [[0.0, 2.0, 5.0]])
    assert close(fn["clamp"](x, max=1.0), [[-1.0, 1.0, 1.0]])
    assert close(fn["clamp"](x, 0, 3), [[0.0, 2.0, 3.0]])
    refused(lambda: fn["clamp"](x), "clamp:", "min")
    assert fn["transpose"](x).shape == (3, 1)
    assert fn["transpose"](torch.ones(2, 3, 4)).shape == (2, 4, 3)
    assert fn["transpose"](torch.ones(2, 3, 4), 0, 2).shape == (4, 3, 2)
    assert fn["reshape"](torch.arange(6), 2, 3).shape == (2, 3)
    assert fn["reshape"](torch.arange(6), [3, -1]).shape == (3, 2)
    refused(lambda: fn["reshape"](torch.ones(2, 3), 2, 4), "reshape:", "6", "2×4")


# ---------------------------------------------------------------------------------------------
# Convolution and pooling


def test_conv2d_on_a_2d_image_by_hand(fn: Fns) -> None:
    image = [[1.0, 2.0, 0.0], [0.0, 1.0, 3.0], [4.0, 0.0, 1.0]]
    kernel = [[1.0, 0.0], [0.0, -1.0]]
    # top-left: 1·1 + 2·0 + 0·0 + 1·(-1) = 0; top-right: 2 - 3 = -1;
    # bottom-left: 0 - 0 = 0; bottom-right: 1 - 1 = 0
    out = fn["conv2d"](image, kernel)
    assert out.dim() == 2
    assert close(out, [[0.0, -1.0], [0.0, 0.0]])
    assert close(fn["conv2d"](image, kernel, bias=1.0), [[1.0, 0.0], [1.0, 1.0]])
    padded = fn["conv2d"](image, kernel, padding=1)
    assert padded.shape == (4, 4)
    assert fn["conv2d"](torch.ones(5, 5), torch.ones(3, 3), stride=2).shape == (2, 2)


def test_conv2d_matches_torch_in_every_rank(fn: Fns) -> None:
    g = torch.Generator().manual_seed(3)
    x = torch.randn(2, 3, 6, 6, generator=g)
    k = torch.randn(4, 3, 3, 3, generator=g)
    b = torch.randn(4, generator=g)
    expected = F.conv2d(x, k, b, stride=1, padding=1)
    assert close(fn["conv2d"](x, k, b, padding=1), expected)
    assert close(fn["conv2d"](x[0], k, b, padding=1), expected[0])  # C×H×W stays 3-D
    one = torch.randn(1, 1, 3, 3, generator=g)
    assert fn["conv2d"](x[0, 0], one).shape == (4, 4)  # one filter on a 2-D image: 2-D
    assert fn["conv2d"](x[0, :1], one).shape == (1, 4, 4)
    # a 2-D kernel on a multi-channel image is applied to each channel on its own
    per_channel = fn["conv2d"](x[0], k[0, 0])
    assert close(per_channel[1], F.conv2d(x[0, 1][None, None], k[0, 0][None, None])[0, 0])
    refused(lambda: fn["conv2d"](x, torch.ones(4, 2, 3, 3)), "conv2d:", "3 channels")
    refused(lambda: fn["conv2d"](torch.ones(2, 2), torch.ones(3, 3)), "does not fit")
    refused(lambda: fn["conv2d"](torch.ones(5), torch.ones(3, 3)), "H×W")


def test_pooling(fn: Fns) -> None:
    x = torch.arange(16.0).reshape(4, 4)
    assert close(fn["max_pool2d"](x, 2), [[5.0, 7.0], [13.0, 15.0]])
    assert close(fn["avg_pool2d"](x, 2), [[2.5, 4.5], [10.5, 12.5]])
    assert fn["max_pool2d"](x, 2, stride=1).shape == (3, 3)
    batch = torch.arange(32.0).reshape(1, 2, 4, 4)
    assert close(fn["max_pool2d"](batch, 2), F.max_pool2d(batch, 2))
    assert close(fn["avg_pool2d"](batch[0], 2), F.avg_pool2d(batch[0], 2))
    refused(lambda: fn["max_pool2d"](x, 5), "max_pool2d:", "does not fit")


# ---------------------------------------------------------------------------------------------
# Attention


def test_attention_matches_torch(fn: Fns) -> None:
    g = torch.Generator().manual_seed(4)
    Q, K, V = (torch.randn(4, 8, generator=g) for _ in range(3))
    weights = fn["attention_weights"](Q, K)
    assert close(weights.sum(-1), torch.ones(4))
    assert close(weights, torch.softmax(Q @ K.T / math.sqrt(8), -1))
    expected = F.scaled_dot_product_attention(Q[None], K[None], V[None])[0]
    assert close(fn["attention"](Q, K, V), expected)


def test_attention_batched_heads_and_masks(fn: Fns) -> None:
    g = torch.Generator().manual_seed(5)
    Q, K, V = (torch.randn(2, 3, 5, 4, generator=g) for _ in range(3))
    mask = fn["causal_mask"](5)
    expected = F.scaled_dot_product_attention(Q, K, V, attn_mask=mask)
    assert close(fn["attention"](Q, K, V, mask=mask), expected)
    additive = torch.zeros(5, 5).masked_fill(~mask, float("-inf"))
    assert close(fn["attention"](Q, K, V, mask=additive), expected)


def test_causal_mask_hides_the_future(fn: Fns) -> None:
    mask = fn["causal_mask"](4)
    assert mask.dtype == torch.bool
    assert mask.tolist() == [
        [True, False, False, False],
        [True, True, False, False],
        [True, True, True, False],
        [True, True, True, True],
    ]
    g = torch.Generator().manual_seed(6)
    Q, K = torch.randn(4, 3, generator=g), torch.randn(4, 3, generator=g)
    weights = fn["attention_weights"](Q, K, mask=mask)
    assert torch.all(torch.triu(weights, diagonal=1) == 0)
    assert close(weights.sum(-1), torch.ones(4))
    assert close(weights[0], [1.0, 0.0, 0.0, 0.0])


def test_attention_fully_masked_row_is_zero_not_nan(fn: Fns) -> None:
    mask = torch.tensor([[False, False], [True, True]])
    weights = fn["attention_weights"](torch.ones(2, 2), torch.ones(2, 2), mask=mask)
    assert not torch.isnan(weights).any()
    assert close(weights, [[0.0, 0.0], [0.5, 0.5]])


def test_attention_refuses_bad_shapes(fn: Fns) -> None:
    refused(lambda: fn["attention"](torch.ones(3, 4), torch.ones(3, 5), torch.ones(3, 4)), "d_k")
    refused(lambda: fn["attention"](torch.ones(3, 4), torch.ones(3, 4), torch.ones(2, 4)), "V")
    refused(
        lambda: fn["attention_weights"](torch.ones(3, 4), torch.ones(3, 4), mask=torch.ones(2, 2)),
        "mask is 2×2",
        "3×3",
    )


def test_positional_encoding_formula(fn: Fns) -> None:
    n, d = 6, 8
    pe = fn["positional_encoding"](n, d)
    assert pe.shape == (n, d)
    for pos in range(n):
        for i in range(d // 2):
            angle = pos / 10000 ** (2 * i / d)
            assert math.isclose(pe[pos, 2 * i].item(), math.sin(angle), abs_tol=1e-6)
            assert math.isclose(pe[pos, 2 * i + 1].item(), math.cos(angle), abs_tol=1e-6)
    odd = fn["positional_encoding"](3, 5)
    assert odd.shape == (3, 5)
    assert math.isclose(odd[2, 4].item(), math.sin(2 / 10000 ** (4 / 5)), abs_tol=1e-6)


# ---------------------------------------------------------------------------------------------
# Classification


PRED = [1, 0, 1, 1, 0, 1, 0, 0]
TRUE = [1, 1, 0, 1, 0, 1, 0, 1]
# by hand: TP = 3 (positions 0, 3, 5), FP = 1 (2), FN = 2 (1, 7), TN = 2 (4, 6)


def test_confusion_by_hand(fn: Fns) -> None:
    matrix = fn["confusion"](PRED, TRUE)
    assert matrix.dtype == torch.long
    assert matrix.tolist() == [[2, 1], [2, 3]]  # rows true, columns predicted
    three = fn["confusion"]([0, 2, 1, 2], [0, 1, 1, 2], n=3)
    assert three.tolist() == [[1, 0, 0], [0, 1, 1], [0, 0, 1]]
    assert fn["confusion"]([0, 0], [0, 0]).shape == (2, 2)  # at least two classes
    logits = torch.tensor([[2.0, 1.0], [0.0, 3.0]])  # scores: the largest wins
    assert fn["confusion"](logits, [0, 0]).tolist() == [[1, 1], [0, 0]]
    refused(lambda: fn["confusion"]([0, 3], [0, 1], n=2), "confusion:", "3")


def test_metrics_by_hand(fn: Fns) -> None:
    precision = fn["precision"](PRED, TRUE)
    recall = fn["recall"](PRED, TRUE)
    assert precision.dim() == 0 and precision.is_floating_point()
    assert close(precision, 3 / 4)
    assert close(recall, 3 / 5)
    assert close(fn["f1"](PRED, TRUE), 2 * 0.75 * 0.6 / (0.75 + 0.6))
    assert close(fn["accuracy"](PRED, TRUE), 5 / 8)
    bools = torch.tensor(PRED, dtype=torch.bool)
    assert close(fn["precision"](bools, torch.tensor(TRUE, dtype=torch.float32)), 0.75)


def test_metrics_never_nan(fn: Fns) -> None:
    assert fn["precision"]([0, 0], [0, 1]).item() == 0.0
    assert fn["recall"]([1, 0], [0, 0]).item() == 0.0
    assert fn["f1"]([0, 0], [0, 0]).item() == 0.0
    refused(lambda: fn["precision"]([0.7, 0.0], [0, 1]), "precision:", "0 or 1", "p > 0.5")
    refused(lambda: fn["recall"]([1, 0, 1], [1, 0]), "recall:", "same shape")


def test_confusion_metrics_without_nan() -> None:
    acc, precision, recall, f1 = confusion_metrics(np.array([[2, 1], [2, 3]]))
    assert math.isclose(acc, 5 / 8)
    assert precision == pytest.approx((2 / 4, 3 / 4))
    assert recall == pytest.approx((2 / 3, 3 / 5))
    assert f1[1] == pytest.approx(2 * 0.75 * 0.6 / 1.35)
    # class 2 is never predicted nor present: 0.0 everywhere, no NaN
    acc, precision, recall, f1 = confusion_metrics(np.array([[1, 0, 0], [1, 0, 0], [0, 0, 0]]))
    assert all(not math.isnan(v) for v in (acc, *precision, *recall, *f1))
    assert precision == (0.5, 0.0, 0.0)
    assert recall == (1.0, 0.0, 0.0)
    assert confusion_metrics(np.zeros((2, 2), dtype=np.int64)) == (
        0.0,
        (0.0, 0.0),
        (0.0, 0.0),
        (0.0, 0.0),
    )
    assert isinstance(acc, float)


def test_one_hot_and_embedding(fn: Fns) -> None:
    assert close(fn["one_hot"]([0, 2], 3), [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
    assert fn["one_hot"]([1.0, 0.0], 2).dtype == torch.float32
    assert fn["one_hot"]([0, 2]).shape == (2, 3)
    refused(lambda: fn["one_hot"]([0, 3], 3), "one_hot:", "class 3")
    table = torch.arange(6.0).reshape(3, 2)
    assert close(fn["embedding"]([2, 0], table), [[4.0, 5.0], [0.0, 1.0]])
    refused(lambda: fn["embedding"]([0, 5], table), "embedding:", "index 5", "3 rows")


# ---------------------------------------------------------------------------------------------
# Making tensors and randomness


def test_constructors(fn: Fns) -> None:
    assert fn["zeros"](2, 3).shape == (2, 3)
    assert fn["zeros"]([2, 3]).shape == (2, 3)
    assert fn["ones"]((4,)).tolist() == [1.0] * 4
    assert fn["ones"](torch.Size([2, 2])).shape == (2, 2)
    assert fn["eye"](3).tolist() == torch.eye(3).tolist()
    assert fn["arange"](4).tolist() == [0, 1, 2, 3]
    assert fn["arange"](4).dtype == torch.long
    assert fn["arange"](1, 7, 2).tolist() == [1, 3, 5]
    assert close(fn["arange"](0, 1, 0.25), [0.0, 0.25, 0.5, 0.75])
    assert fn["arange"](5, 0, -2).tolist() == [5, 3, 1]
    assert fn["cat"]([torch.ones(2), [0.0, 0.0]]).tolist() == [1.0, 1.0, 0.0, 0.0]
    assert fn["cat"]([torch.ones(2, 1), torch.zeros(2, 1)], dim=1).shape == (2, 2)
    assert fn["stack"]([torch.ones(2), torch.zeros(2)]).shape == (2, 2)
    assert fn["stack"]([torch.ones(2), torch.zeros(2)], dim=1).shape == (2, 2)
    refused(lambda: fn["stack"]([torch.ones(2), torch.ones(3)]), "stack:", "same shape")
    refused(lambda: fn["cat"](torch.ones(2)), "cat:", "list")
    refused(lambda: fn["arange"](5, 0), "arange:", "negative step")
    refused(lambda: fn["arange"](0, 1, 0), "arange:", "step")
    refused(lambda: fn["zeros"](2.5), "zeros:", "whole number")
    refused(lambda: fn["zeros"](-1), "zeros:", "negative")


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("zeros", (10**9,)),
        ("ones", (100_000, 100_000)),
        ("randn", ([10**5, 10**5],)),
        ("rand", (10**8,)),
        ("one_hot", ([0, 1], 10**8)),
        ("arange", (10**9,)),
        ("arange", (0.0, 1.0, 1e-9)),
        ("eye", (10**5,)),
        ("causal_mask", (10**5,)),
        ("positional_encoding", (10**5, 10**4)),
    ],
)
def test_size_cap_refuses_before_allocating(fn: Fns, name: str, args: tuple[Any, ...]) -> None:
    message = refused(lambda: fn[name](*args), f"{name}:", "limit")
    assert f"{MAX_ELEMENTS:,}" in message


def test_randn_reproducible_with_the_same_seed() -> None:
    first = make_functions(_ctx(seed=42))
    second = make_functions(_ctx(seed=42))
    other = make_functions(_ctx(seed=7))
    a = first["randn"](3, 4)
    assert torch.equal(a, second["randn"](3, 4))
    assert not torch.equal(a, other["randn"](3, 4))
    assert torch.equal(first["rand"](5), second["rand"](5))
    r = first["rand"](1000)
    assert bool((r >= 0).all() and (r < 1).all())
    assert first["randn"](2, 3).dtype == torch.float32


def test_dropout_uses_the_lesson_generator() -> None:
    first = make_functions(_ctx(seed=3))
    second = make_functions(_ctx(seed=3))
    x = torch.ones(1000)
    a = first["dropout"](x, p=0.25)
    assert torch.equal(a, second["dropout"](x, p=0.25))
    kept = a[a != 0]
    assert close(kept, torch.full_like(kept, 1 / 0.75))  # survivors scaled by 1/(1-p)
    assert 0.15 < (a == 0).float().mean().item() < 0.35  # about a quarter dropped
    assert torch.equal(first["dropout"](x, p=0.0), x)
    assert torch.equal(first["dropout"](x, p=1.0), torch.zeros(1000))
    refused(lambda: first["dropout"](x, p=1.5), "dropout:", "[0, 1]")


# ---------------------------------------------------------------------------------------------
# Errors


def test_wrong_calls_name_the_function(fn: Fns) -> None:
    refused(lambda: fn["mse"]([1.0]), "mse:", "target")
    refused(lambda: fn["softmax"]([1.0], 0, 1, 2), "softmax:", "too many")
    refused(lambda: fn["relu"]([1.0], slope=2), "relu:", "slope")
    refused(lambda: fn["sqrt"]("two"), "sqrt:", "'two'")


def test_torch_errors_are_translated(fn: Fns) -> None:
    message = refused(lambda: fn["cat"]([torch.ones(2, 2), torch.ones(3, 3)], dim=1), "cat:")
    assert "\n" not in message


def test_curriculum_helpers(ctx: FunctionContext) -> None:
    f = make_functions(ctx)
    assert f["where"](torch.tensor([True, False]), 1.0, -1.0).tolist() == [1.0, -1.0]
    assert f["nonzero"](torch.tensor([0, 3, 0, 1])).tolist() == [1, 3]
    perm = f["randperm"](5)
    assert sorted(perm.tolist()) == [0, 1, 2, 3, 4]
    assert f["linspace"](0, 1, 5).tolist() == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert f["full"]([2], 3.0).tolist() == [3.0, 3.0]
    assert f["maximum"](torch.tensor([1.0, 5.0]), 2.0).tolist() == [2.0, 5.0]
    assert f["outer"](torch.tensor([1.0, 2.0]), torch.tensor([3.0])).tolist() == [[3.0], [6.0]]
    assert f["tril"](torch.ones(2, 2)).tolist() == [[1.0, 0.0], [1.0, 1.0]]
    assert f["topk"](torch.tensor([0.1, 0.7, 0.2]), 2).tolist() == [1, 2]
    assert f["round"](torch.tensor([1.26]), 1).tolist() == pytest.approx([1.3])
    with pytest.raises(LessonRuntimeError, match="10,000,000"):
        f["full"]([100000, 1000], 1.0)
    with pytest.raises(LessonRuntimeError, match="10,000,000"):
        f["randperm"](10**9)


def test_encode_and_decode_round_trip(fn: Fns) -> None:
    ids = fn["encode"]("a cab", "abc ")
    assert ids.dtype == torch.long and ids.tolist() == [0, 3, 2, 0, 1]
    assert fn["decode"](ids, "abc ") == "a cab"
    assert fn["decode"](torch.tensor([[0, 1], [2, 2]]), "abc") == "ab\ncc"
    assert fn["decode"](torch.tensor(1), "abc") == "b"
    poem = "春风吹江南，明月照高楼。"
    alphabet = "".join(sorted(set(poem)))
    assert fn["decode"](fn["encode"](poem, alphabet), alphabet) == poem
    refused(lambda: fn["encode"]("abz", "abc"), "encode:", "'z'")
    refused(lambda: fn["decode"]([0, 3], "abc"), "decode:")
    refused(lambda: fn["encode"](3, "abc"), "encode:", "text")


def test_multinomial_matches_torch_with_the_lessons_generator() -> None:
    probs = torch.tensor([[0.1, 0.6, 0.3], [0.5, 0.0, 0.5]])
    ours = make_functions(_ctx(seed=7))["multinomial"](probs, 5)
    theirs = torch.multinomial(
        probs.double(), 5, replacement=True, generator=torch.Generator().manual_seed(7)
    )
    assert ours.tolist() == theirs.tolist()
    assert ours.shape == (2, 5) and ours.dtype == torch.long
    assert (ours[1] != 1).all()  # a class of probability 0 is never drawn
    again = make_functions(_ctx(seed=7))["multinomial"](probs, 5)
    assert again.tolist() == ours.tolist()  # the lesson's seed decides the draws
    many = make_functions(_ctx(seed=1))["multinomial"](torch.tensor([0.2, 0.8]), 4000)
    assert abs(many.float().mean().item() - 0.8) < 0.03
    f = make_functions(_ctx())
    refused(lambda: f["multinomial"](torch.tensor([-0.1, 1.1])), "multinomial:", "negative")
    refused(lambda: f["multinomial"](torch.zeros(3)), "multinomial:")
    refused(lambda: f["multinomial"](torch.ones(2), 0), "multinomial:", "at least 1")


def test_the_evaluators_broadcast_rule_is_torchs() -> None:
    import itertools

    from tutor.engine.evaluate import broadcast

    shapes = [(), (1,), (3,), (2, 3), (2, 1), (1, 3), (4, 1, 3), (4, 2, 3), (0,), (0, 3), (1, 1)]
    for a, b in itertools.product(shapes, shapes):
        try:
            expected: tuple[int, ...] | None = tuple(torch.broadcast_shapes(a, b))
        except RuntimeError:
            expected = None
        try:
            got: tuple[int, ...] | None = broadcast(a, b)
        except ValueError:
            got = None
        assert got == expected, (a, b)
