"""The prediction reveal: on the step that computes a value the learner predicted, how far off
their first number was. Drawn from `session.reveals()`; hidden when there is nothing to say."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Group
from rich.text import Text
from textual.widgets import Static

from tutor.app.widgets.fitted import Fitted
from tutor.session import Reveal


def reveal_line(reveal: Reveal, *, at: bool = True) -> Text:
    """`✓ your prediction at step 2: you said 0.25; the real value is 0.25 (off by 0)`."""
    mark = ("✓ ", "bold green") if reveal.correct else ("◆ ", "bold yellow")
    where = f"your prediction at step {reveal.step}: " if at else "your prediction: "
    return Text.assemble(mark, (where, "bold"), reveal.text())


class RevealPanel(Fitted, Static):
    """One line per prediction this step settles."""

    DEFAULT_CSS = """
    RevealPanel {
        height: auto;
        margin: 0 1 1 1;
        padding: 0 1;
        border-left: outer $warning 70%;
        background: $surface;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self.display = False

    def show(self, reveals: Sequence[Reveal]) -> None:
        self.display = bool(reveals)
        if reveals:
            self.update(Group(*(reveal_line(r) for r in reveals)))
