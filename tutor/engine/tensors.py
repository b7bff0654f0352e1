"""The starting state of a lesson: tensors built from the `tensors:` specs."""

from __future__ import annotations

import csv
import os
from functools import lru_cache
from pathlib import Path

import numpy as np
import torch

from tutor.engine.errors import LessonRuntimeError
from tutor.engine.limits import MAX_CSV_BYTES, check_numel
from tutor.i18n import _
from tutor.lesson.models import TensorSpec

DTYPES = {
    "float32": torch.float32,
    "float64": torch.float64,
    "long": torch.long,
    "bool": torch.bool,
}


def build_tensor(
    spec: TensorSpec,
    folder: Path,
    *,
    device: torch.device,
    dtype: torch.dtype,
    generator: torch.Generator,
) -> torch.Tensor:
    """Random values are drawn on the CPU so that every device sees the same numbers."""
    want = DTYPES[spec.dtype] if spec.dtype else dtype
    source = spec.source
    if source == "value":
        t = torch.tensor(spec.value, dtype=torch.float64).to(want)
    elif source in ("zeros", "ones"):
        shape = _shape(getattr(spec, source))
        t = (torch.zeros if source == "zeros" else torch.ones)(shape, dtype=want)
    elif source in ("randn", "rand"):
        shape = _shape(getattr(spec, source))
        draw = torch.randn if source == "randn" else torch.rand
        t = draw(shape, generator=generator, dtype=torch.float64).to(want)
    elif source == "arange":
        t = torch.arange(*spec.arange, dtype=torch.float64).to(want)  # type: ignore[misc]
    elif source == "eye":
        t = torch.eye(spec.eye or 0, dtype=want)
    else:
        t = torch.from_numpy(
            read_csv(folder / str(spec.csv), spec.rows, spec.columns, spec.skip_header, folder)
        ).to(want)
    if spec.scale is not None:
        t = (t * spec.scale).to(want)
    t = t.to(device)
    if spec.grad:
        if not t.is_floating_point():
            raise LessonRuntimeError("'grad: true' needs a float tensor (dtype float32 or float64)")
        t.requires_grad_(True)
    return t


def _shape(value: int | list[int]) -> list[int]:
    shape = [value] if isinstance(value, int) else list(value)
    check_numel(shape)
    return shape


def read_csv(
    path: Path,
    rows: str | None,
    columns: str | None,
    skip_header: bool | None,
    folder: Path | None = None,
) -> np.ndarray:
    """Rows and columns of a csv in the lesson's `folder` (checked again here, when it is
    read: the file may have been swapped for a link since the lesson was loaded)."""
    resolved = path.resolve()
    if folder is not None and not resolved.is_relative_to(folder.resolve()):
        raise LessonRuntimeError(
            _("{file} is not in the lesson's folder (a link out of it?)").format(file=path.name)
        )
    data = _load_csv(resolved, resolved.stat().st_mtime_ns, skip_header)
    data = data[_slice(rows, data.shape[0], "rows")] if rows else data
    if columns:
        cols = _slice(columns, data.shape[1], "columns")
        data = data[:, cols]
    check_numel(data.shape)
    return np.ascontiguousarray(data)


@lru_cache(maxsize=16)
def _load_csv(path: Path, _mtime: int, skip_header: bool | None) -> np.ndarray:
    try:  # no link followed at the last step: `path` is already resolved
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError as error:
        raise LessonRuntimeError(
            _("{file} cannot be read: {why}").format(file=path.name, why=error.strerror)
        ) from None
    with os.fdopen(fd, newline="", encoding="utf-8") as handle:
        size = os.fstat(fd).st_size  # of the file opened, not of a name looked up before
        if size > MAX_CSV_BYTES:  # before a byte is parsed: a 287 MB file would take 1.8 GB
            raise LessonRuntimeError(
                _("{file} is {size} MB; a lesson's csv may be at most {limit} MB").format(
                    file=path.name,
                    size=f"{size / 2**20:,.1f}",
                    limit=f"{MAX_CSV_BYTES / 2**20:,.0f}",
                )
            )
        rows = [r for r in csv.reader(handle) if r]
    if not rows:
        raise LessonRuntimeError(_("{file} is empty").format(file=path.name))
    if skip_header is None:  # a first row that is not all numbers is a header
        skip_header = not all(_is_number(c) for c in rows[0])
    rows = rows[1:] if skip_header else rows
    width = len(rows[0]) if rows else 0
    for n, row in enumerate(rows, start=2 if skip_header else 1):
        if len(row) != width:
            raise LessonRuntimeError(
                _("{file} line {n} has {columns} columns; the first row has {width}").format(
                    file=path.name, n=n, columns=len(row), width=width
                )
            )
    check_numel((len(rows), width))
    try:
        return np.array(rows, dtype=np.float64).reshape(len(rows), width)
    except ValueError as e:
        raise LessonRuntimeError(
            _("{file} holds something that is not a number: {text}").format(
                file=path.name, text=str(e).split(":")[-1].strip()
            )
        ) from None


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _slice(text: str, size: int, what: str) -> slice | list[int]:
    if ":" not in text:
        k = int(text)
        if not -size <= k < size:
            said = (
                _("rows '{text}': there are only {size} rows")
                if what == "rows"
                else _("columns '{text}': there are only {size} columns")
            )
            raise LessonRuntimeError(said.format(text=text, size=size))
        return [k]
    start, stop = (int(p) if p.strip() else None for p in text.split(":", 1))
    return slice(start, stop)
