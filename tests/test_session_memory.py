"""What a classroom session costs in memory of its own (issue 23): the lesson list's files are
read once in the zygote and shared by every session forked from it, not parsed in each."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

from tutor.app.catalog import read_catalog, share

from .conftest import LESSONS, ROOT

FORKED = textwrap.dedent(
    """
    import gc, os, re, sys
    from pathlib import Path
    from tutor.app.catalog import read_catalog
    from tutor.classroom.zygote import Spawn, _share_lessons

    def dirty():
        text = Path("/proc/self/smaps_rollup").read_text()
        return int(re.search(r"Private_Dirty:\\s+(\\d+)", text).group(1)) / 1024

    folder = sys.argv[1]
    if sys.argv[2] == "shared":  # as the zygote does before it forks a session
        _share_lessons(Spawn("ada", "xterm", folder, "/nonexistent"))
    gc.collect()
    gc.freeze()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the session: its list reads every lesson of the folder
        before = dirty()
        entries = list(read_catalog(Path(folder)))
        assert len(entries) > 20 and all(e.ok for e in entries)
        os.write(write, f"{dirty() - before:.1f}".encode())
        os._exit(0)
    os.waitpid(pid, 0)
    print(os.read(read, 100).decode())
    """
)


def _session_list_mb(how: str) -> float:
    """Private_Dirty (MB) a forked child adds reading the bundled lessons' list."""
    out = subprocess.run(
        [sys.executable, "-c", FORKED, str(LESSONS), how],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=True,
    )
    return float(out.stdout.split()[-1])


def test_a_forked_session_shares_the_lists_lessons_read_by_the_zygote() -> None:
    """Reading the list in each session left ~20 MB of its own memory (parsed YAML, the code's
    syntax trees, positions); read in the zygote, the session's list costs a few stats."""
    shared = _session_list_mb("shared")
    assert shared < 5, f"a session's list added {shared} MB with the lessons shared"


def test_a_shared_entry_is_used_only_while_its_file_is_unchanged(tmp_path: Path) -> None:
    folder = tmp_path / "lessons"
    folder.mkdir()
    files = sorted(LESSONS.glob("*.yaml"))[:2]
    for path in files:
        shutil.copy(path, folder)
    first, second = (folder / path.name for path in files)
    try:
        assert share(folder) is True
        assert share(folder) is False  # nothing changed: nothing read again
        kept = list(read_catalog(folder))
        assert [e.path for e in kept] == [first, second]
        again = list(read_catalog(folder))
        assert again[0] is kept[0] and again[1] is kept[1]  # the shared objects, not new ones

        first.write_text(first.read_text() + "\n# changed\n")  # a teacher edits a lesson
        second.unlink()  # and removes another
        changed = list(read_catalog(folder))
        assert changed[0] is not kept[0] and changed[0].ok
        assert [e.path for e in changed] == [first]
        assert share(folder) is True  # the zygote reads the changed file once more
        renewed = list(read_catalog(folder))
        assert renewed[0] is next(read_catalog(folder))
    finally:
        empty = tmp_path / "empty"
        empty.mkdir()
        share(empty)  # this process is no zygote: nothing kept for the tests after this one
