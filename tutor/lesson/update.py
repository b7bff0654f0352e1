"""`tutor check --update`: write computed values into a lesson's `expect`s, and nothing else.

ruamel.yaml composes the file (the round-trip loader's nodes, with where each value starts
and ends), and only the text of each `expect` value named is replaced: comments, key order,
quoting and layout stay exactly as the author wrote them, and no other field of the step is
touched.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.nodes import MappingNode, Node, SequenceNode

from tutor.i18n import _


def update_expects(path: Path, values: Mapping[tuple[int, str], Any]) -> list[str]:
    """Set `steps[i].expect[name]` to each value (a number, or nested lists of numbers) and
    save the file; returns one line per change ("step 3, loss: 0.3 → 0.25")."""
    text = path.read_text(encoding="utf-8")
    root = YAML(typ="rt").compose(text)
    spans: list[tuple[int, int, str]] = []
    changes = []
    for (i, name), value in sorted(values.items()):
        node = _expect_node(root, i, name)
        if node is None or value is None:
            continue
        old = text[node.start_mark.index : node.end_mark.index]
        new = _flow(value)
        if old.strip() == new:
            continue
        spans.append((node.start_mark.index, node.end_mark.index, new))
        changes.append(
            _("step {k}, {name}: {old} → {new}").format(
                k=i + 1, name=name, old=_brief(old), new=_brief(new)
            )
        )
    for start, end, new in sorted(spans, reverse=True):
        text = text[:start] + new + text[end:]
    if spans:
        path.write_text(text, encoding="utf-8")
    return changes


def _get(node: Node | None, key: str) -> Node | None:
    if not isinstance(node, MappingNode):
        return None
    return next((v for k, v in node.value if k.value == key), None)


def _expect_node(root: Node | None, i: int, name: str) -> Node | None:
    steps = _get(root, "steps")
    if not isinstance(steps, SequenceNode) or i >= len(steps.value):
        return None
    return _get(_get(steps.value[i], "expect"), name)


def _flow(value: Any) -> str:
    """A value as lessons write one: `0.25`, `[[1.5], [2.5]]`, `true`."""
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return ".nan" if value != value else (".inf" if value > 0 else "-.inf")
        return repr(value)
    return str(value)


def _brief(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
