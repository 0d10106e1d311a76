"""The recent-files list and the suggested board code, over many inputs (Hypothesis)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QSettings

from db.services.boards import _CODE, suggest_code
from desktop.recent_files import MAX_RECENT, RecentFiles

NAMES = st.lists(st.sampled_from([f"board{n}.db" for n in range(12)]), min_size=1, max_size=30)


@settings(max_examples=60, deadline=None)
@given(opened=NAMES)
def test_recent_list_is_most_recent_first_unique_and_bounded(tmp_path_factory, opened):
    folder = tmp_path_factory.mktemp("recent")
    recent = RecentFiles(QSettings(str(folder / "s.ini"), QSettings.Format.IniFormat))
    for name in opened:
        recent.add(folder / name)
    expected: list[Path] = []
    for name in reversed(opened):  # the model: newest first, each once, at most MAX_RECENT
        path = (folder / name).resolve()
        if path not in expected:
            expected.append(path)
    assert recent.paths() == expected[:MAX_RECENT]
    # and it survives being read back by another QSettings on the same file
    again = RecentFiles(QSettings(str(folder / "s.ini"), QSettings.Format.IniFormat))
    assert again.paths() == expected[:MAX_RECENT]


@settings(max_examples=200, deadline=None)
@given(name=st.text(max_size=80))
def test_suggested_code_is_always_a_valid_code(name):
    code = suggest_code(name)
    assert _CODE.match(code), code


def test_suggested_codes_read_like_a_clerks():
    assert suggest_code("Ofsted Priority Action Board") == "OPAB"
    assert suggest_code("Corporate Parenting Board") == "CPB"
    assert suggest_code("Improvement Plan Delivery Group") == "IPDG"
    assert suggest_code("  ") == "BOARD"
