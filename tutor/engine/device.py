"""Which device a lesson runs on: the learner's `--device`, else the lesson's, else the best."""

from __future__ import annotations

import torch

from tutor.engine.errors import LessonRuntimeError
from tutor.i18n import _

DEVICES = ("auto", "cpu", "cuda", "mps")


def one_thread() -> None:
    """Torch on one intra-op thread, for the whole process. A lesson's tensors are tiny:
    torch's worker threads only add hand-offs, and while other processes keep the cores busy
    every operation waits for them (a 4×4 softmax took 10 ms with two threads on a loaded
    2-core machine, 1 µs with one; the course checked in 55 s with them, 16 s without)."""
    if torch.get_num_threads() != 1:
        torch.set_num_threads(1)


def available(kind: str) -> bool:
    if kind == "cpu":
        return True
    if kind == "cuda":
        return torch.cuda.is_available()
    if kind == "mps":
        backend = getattr(torch.backends, "mps", None)
        return bool(backend and backend.is_available())
    return False


def check_requested(requested: str) -> None:
    """A device asked for by name (`cuda:1`) must be a kind torch knows and exist here."""
    kind = requested.split(":")[0]
    if kind not in DEVICES:
        raise LessonRuntimeError(
            _("unknown device '{device}'; use auto, cpu, cuda or mps").format(device=requested)
        )
    if not available(kind):
        raise LessonRuntimeError(
            _("--device {device}: there is no {kind} device here").format(
                device=requested, kind=kind
            )
        )


def choose_device(requested: str | None, lesson_device: str = "auto") -> torch.device:
    """`requested` (from --device) must exist; a lesson's own choice falls back to the CPU.

    A lesson written on a GPU machine still runs on a laptop; a learner who asks for cuda
    where there is none is told so.
    """
    if requested and requested != "auto":
        check_requested(requested)
        return torch.device(requested)
    kind = lesson_device if lesson_device != "auto" else None
    if kind and available(kind):
        return torch.device(kind)
    for candidate in ("cuda", "mps"):
        if available(candidate):
            return torch.device(candidate)
    return torch.device("cpu")


def device_label(device: torch.device) -> str:
    if device.type == "cuda":
        index = device.index if device.index is not None else torch.cuda.current_device()
        return f"cuda:{index} ({torch.cuda.get_device_name(index)})"
    return device.type
