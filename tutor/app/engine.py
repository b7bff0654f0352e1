"""The one door from the app to torch: `load_engine` imports the engine (slow, ~1.5 s) and is
only ever called from a worker thread; everything after goes through the `Engine` it returns.

The UI thread never imports `tutor.engine.run` itself: if it did while the worker was still
importing, it would wait on Python's import lock and freeze the screen.
"""

from __future__ import annotations

import gc
import importlib
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tutor.engine.run import Run
    from tutor.lesson import LessonFile


class StartError(Exception):
    """A Run could not start: a bad `--set`, `--device` or tensor; `str()` says why."""


@dataclass(frozen=True)
class Engine:
    """The loaded engine: makes Runs, names devices. Safe to use from the UI thread."""

    run_module: Any
    device_module: Any
    params_module: Any
    errors_module: Any
    torch_version: str
    device: str  # what a Run gets by default here: "cpu", "cuda:0 (NVIDIA H100 ...)"
    device_problem: str  # why `--device` cannot be used, or ""
    seconds: float  # how long loading took

    def start(
        self,
        lesson: LessonFile,
        *,
        device: str | None,
        sets: Sequence[str],
        lang: str,
    ) -> Run:
        """A new Run of `lesson`; raises `LessonError` (located) or `StartError`."""
        runtime_error = self.errors_module.LessonRuntimeError
        try:
            params = dict(self.params_module.parse_assignment(s) for s in sets)
            return self.run_module.Run(lesson, device=device, params=params, lang=lang)
        except runtime_error as error:
            raise StartError(error.message) from None

    def device_label(self, device: Any) -> str:
        return str(self.device_module.device_label(device))


def _warm_up(torch: Any) -> None:
    """Pay torch's first-use costs here, not on the learner's first key press: the first
    `broadcast_shapes` imports sympy (~250 ms), the first backward sets up autograd."""
    torch.broadcast_shapes((2, 1), (1, 2))
    w = torch.ones(2, 1, requires_grad=True)
    loss = ((torch.ones(3, 2) @ w - 1.0) ** 2).mean()
    loss.backward()
    torch.softmax(torch.zeros(2, 2), dim=-1)
    from tutor.engine.limits import warm_up_sizing

    warm_up_sizing()  # the budgets' sizing on meta tensors imports ~300 modules on first use


def load_engine(device: str | None = None) -> Engine:
    """Import torch and the engine; decide the default device. Slow: call it in a thread."""
    started = time.perf_counter()
    run_module = importlib.import_module("tutor.engine.run")
    device_module = importlib.import_module("tutor.engine.device")
    params_module = importlib.import_module("tutor.engine.params")
    errors_module = importlib.import_module("tutor.engine.errors")
    torch = importlib.import_module("torch")
    device_module.one_thread()  # before the warm-up's first kernels (a Run says it again)
    _warm_up(torch)
    gc.freeze()  # torch's ~10^6 objects out of every later full collection: no 100 ms pauses
    problem = ""
    try:
        chosen = device_module.choose_device(device)
    except errors_module.LessonRuntimeError as error:
        problem = error.message
        chosen = device_module.choose_device(None)
    label = device_module.device_label(chosen)
    return Engine(
        run_module=run_module,
        device_module=device_module,
        params_module=params_module,
        errors_module=errors_module,
        torch_version=str(torch.__version__).split("+")[0],
        device=label,
        device_problem=problem,
        seconds=time.perf_counter() - started,
    )
