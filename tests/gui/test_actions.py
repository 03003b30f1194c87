"""The actions table builds the menus, the keys and the shortcut list, and keeps each
action's state."""

from __future__ import annotations

from desktop.gui.actions import ACTIONS, sequences


def menu_paths(window) -> dict[str, str]:
    """Each QAction of the menus, by its object name, with its menu path."""
    found: dict[str, str] = {}

    def walk(menu, path: str) -> None:
        for action in menu.actions():
            if action.menu():
                walk(action.menu(), f"{path}/{action.menu().title()}")
            elif not action.isSeparator():
                assert action.objectName() not in found, action.objectName()
                found[action.objectName()] = path

    for top in window.menuBar().actions():
        walk(top.menu(), top.menu().title())
    return found


def test_every_action_of_the_table_is_in_its_menu_once_with_its_keys(window):
    paths = menu_paths(window)
    assert set(paths) == {f"action-{spec.name}" for spec in ACTIONS}
    for spec in ACTIONS:
        action = window.menus.actions[spec.name]
        assert paths[action.objectName()] == spec.menu
        assert action.shortcuts() == sequences(spec)
        assert action.toolTip() == spec.tip


def test_back_and_forward_are_enabled_when_there_is_somewhere_to_go(window):
    back, forward = window.menus.actions["back"], window.menus.actions["forward"]
    assert not back.isEnabled() and not forward.isEnabled()
    window.navigator.navigate("essay", "essay/p20")
    assert back.isEnabled() and not forward.isEnabled()
    back.trigger()
    assert not back.isEnabled() and forward.isEnabled()


def test_undo_names_what_it_undoes(window):
    from tests.gui.test_marks import select_words

    undo = window.menus.actions["undo"]
    assert not undo.isEnabled()
    select_words(window, "essay/p8", "proprietorial")
    window.marking.highlight_selection()
    assert undo.isEnabled()
    assert undo.text() == "&Undo Highlight “proprietorial”"
