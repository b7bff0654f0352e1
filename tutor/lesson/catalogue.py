"""The functions a lesson may call, as authors read them: one line each on what it does, and
an example. `tutor.engine.docs` generates the docs' function list from this table (a test
keeps it equal to the engine's own table), and the pointers for PyTorch habits (`torch.x`,
`F.x`, `nn.functional.x`, `x.method(...)`) answer with these spellings."""

from __future__ import annotations

from tutor.i18n import _

FUNCTIONS: dict[str, tuple[str, str]] = {
    # losses
    "mse": ("Mean squared error.", "mse(y_hat, y)"),
    "l1": ("Mean absolute error.", "l1(y_hat, y)"),
    "cross_entropy": ("Cross-entropy of logits against class indices.", "cross_entropy(logits, t)"),
    "bce": ("Binary cross-entropy of probabilities against 0/1 targets.", "bce(p, y)"),
    "entropy": ("Entropy -Σ p·log p of a distribution (0·log 0 = 0).", "entropy(p, dim=-1)"),
    # activations
    "softmax": ("Softmax along a dimension: rows that sum to 1.", "softmax(x, dim=-1)"),
    "log_softmax": ("Log of softmax, computed stably.", "log_softmax(logits, dim=-1)"),
    "sigmoid": ("1 / (1 + e^-x), element by element.", "sigmoid(z)"),
    "relu": ("max(0, x), element by element.", "relu(z)"),
    "leaky_relu": ("x, or slope·x below 0.", "leaky_relu(z, slope=0.1)"),
    "tanh": ("Hyperbolic tangent, element by element.", "tanh(z)"),
    # layers
    "matmul": ("Matrix product, as @.", "matmul(x, W)"),
    "linear": ("x @ W + b.", "linear(x, W, b)"),
    "layer_norm": ("Normalise each row to mean 0, variance 1.", "layer_norm(h)"),
    "batch_norm": ("Normalise each column over the batch.", "batch_norm(h)"),
    "conv2d": ("2-D convolution (cross-correlation) of an image.", "conv2d(img, kernel)"),
    "max_pool2d": ("Largest value of each window.", "max_pool2d(img, 2)"),
    "avg_pool2d": ("Mean of each window.", "avg_pool2d(img, 2)"),
    "dropout": ("Zero each value with probability p, scale the rest.", "dropout(h, p=0.5)"),
    "embedding": ("Rows of a table, picked by index.", "embedding(ids, E)"),
    # attention
    "attention": ("Scaled dot-product attention softmax(QKᵀ/√d)V.", "attention(Q, K, V)"),
    "attention_weights": ("The softmax(QKᵀ/√d) of attention.", "attention_weights(Q, K)"),
    "causal_mask": ("n×n mask: position i sees 0..i.", "causal_mask(3)"),
    "positional_encoding": ("Sinusoidal positions, n × d.", "positional_encoding(4, 8)"),
    "encode": ("Characters to indices in an alphabet.", "encode('abc', alphabet)"),
    "decode": ("Indices back to characters.", "decode(ids, alphabet)"),
    # classification
    "one_hot": ("Class indices as one-hot rows.", "one_hot(t, 3)"),
    "confusion": ("Confusion matrix: rows target, columns prediction.", "confusion(pred, t)"),
    "precision": ("TP / (TP + FP).", "precision(pred, t)"),
    "recall": ("TP / (TP + FN).", "recall(pred, t)"),
    "f1": ("2PR / (P + R).", "f1(pred, t)"),
    "accuracy": ("Share of predictions equal to the target.", "accuracy(pred, t)"),
    # making tensors
    "tensor": (
        "A tensor from a literal; literals known at the start belong under tensors:.",
        "tensor([1.0, 2.0])",
    ),
    "zeros": ("A tensor of zeros.", "zeros(2, 3)"),
    "ones": ("A tensor of ones.", "ones(2, 3)"),
    "full": ("A tensor of one value.", "full([2, 3], 0.5)"),
    "zeros_like": ("Zeros in the shape of x.", "zeros_like(W)"),
    "ones_like": ("Ones in the shape of x.", "ones_like(W)"),
    "randn": ("Normal random values, from the lesson's seed.", "randn(2, 3)"),
    "rand": ("Uniform random values in [0, 1), from the lesson's seed.", "rand(2, 3)"),
    "randperm": ("A random order of 0..n-1, from the lesson's seed.", "randperm(8)"),
    "multinomial": (
        "Draw indices from rows of probabilities, from the lesson's seed.",
        "multinomial(p, 1)",
    ),
    "arange": ("start, start+step, … below stop.", "arange(0, 5)"),
    "linspace": ("steps evenly spaced values from start to stop.", "linspace(0, 1, 5)"),
    "eye": ("Identity matrix.", "eye(3)"),
    "cat": ("Join tensors along a dimension.", "cat([a, b], dim=0)"),
    "stack": ("Stack tensors along a new dimension.", "stack([a, b])"),
    # element by element
    "sqrt": ("Square root.", "sqrt(v)"),
    "exp": ("e to the x.", "exp(z)"),
    "log": ("Natural logarithm.", "log(p)"),
    "log10": ("Logarithm base 10: orders of magnitude.", "log10(norm)"),
    "abs": ("Absolute value.", "abs(d)"),
    "sign": ("-1, 0 or 1.", "sign(g)"),
    "sin": ("Sine.", "sin(x)"),
    "cos": ("Cosine.", "cos(x)"),
    "round": ("Round to decimals.", "round(x, 2)"),
    "clamp": ("Limit values to [min, max].", "clamp(x, min=0)"),
    "maximum": ("Larger of two, element by element.", "maximum(a, b)"),
    "minimum": ("Smaller of two, element by element.", "minimum(a, b)"),
    "where": ("a where cond holds, else b.", "where(x > 0, x, 0.0)"),
    "isnan": ("True where a value is NaN.", "isnan(loss)"),
    "isinf": ("True where a value is infinite.", "isinf(g)"),
    # reductions and shapes
    "sum": ("Sum, of all or along a dimension.", "sum(x, dim=0)"),
    "mean": ("Mean, of all or along a dimension.", "mean(x, dim=0)"),
    "max": ("Largest value, of all or along a dimension.", "max(x)"),
    "min": ("Smallest value, of all or along a dimension.", "min(x)"),
    "argmax": ("Index of the largest value.", "argmax(logits, dim=-1)"),
    "topk": ("Indices of the k largest values of each row.", "topk(logits, 3)"),
    "cumprod": ("Running products along a dimension.", "cumprod(factors, dim=0)"),
    "nonzero": ("Indices of the non-zero values.", "nonzero(mask)"),
    "outer": ("Outer product of two vectors.", "outer(u, v)"),
    "transpose": ("Swap two dimensions (the last two by default).", "transpose(K)"),
    "reshape": ("The same values in another shape.", "reshape(x, 2, 3)"),
    "tril": ("Lower triangle, zeros above.", "tril(ones(3, 3))"),
    "triu": ("Upper triangle, zeros below.", "triu(ones(3, 3))"),
    # gradients
    "clip_grad_norm": (
        "Scale gradients together to total norm ≤ max_norm, in place; returns the old norm.",
        "clip_grad_norm([W, b], 1.0)",
    ),
    "clip_grad_value": (
        "Clamp every gradient into [-clip, clip], in place.",
        "clip_grad_value([W, b], 0.5)",
    ),
}

PYTORCH_NAMES: dict[str, str] = {
    "mse_loss": "mse",
    "l1_loss": "l1",
    "binary_cross_entropy": "bce",
    "scaled_dot_product_attention": "attention",
    "clip_grad_norm_": "clip_grad_norm",
    "clip_grad_value_": "clip_grad_value",
    "clamp_min": "clamp",
    "clip": "clamp",
    "as_tensor": "tensor",
    "from_numpy": "tensor",
    "concat": "cat",
    "concatenate": "cat",
    "special.entr": "entropy",
}
"""PyTorch's names whose tutor spelling differs; the rest are spelled as in torch."""

MODULES = ("torch", "F", "nn", "np", "numpy", "functional", "utils")
"""Roots that mean "I am writing PyTorch": torch.softmax, F.relu, nn.functional.mse_loss."""


def tutor_spelling(name: str) -> str:
    """The example of the tutor's function for a PyTorch name, or ''."""
    name = PYTORCH_NAMES.get(name, name)
    return FUNCTIONS[name][1] if name in FUNCTIONS else ""


def pytorch_pointer(dotted: str) -> str:
    """A sentence for `torch.softmax`, `F.relu`, `nn.functional.mse_loss`: the tutor's spelling
    when there is one."""
    last = dotted.rsplit(".", 1)[-1]
    example = tutor_spelling(last)
    if example:
        return _("lessons call the tutor's functions, not PyTorch's: write `{example}`").format(
            example=example
        )
    return _(
        "lessons call the tutor's functions, not PyTorch's; there is no '{name}' among them "
        "(the list is in docs/authoring.md)"
    ).format(name=last)


def method_pointer(method: str) -> str:
    """For `x.method(...)` that is not a tensor method here: the function, when there is one."""
    example = tutor_spelling(method)
    return _("write `{example}`").format(example=example) if example else ""
