"""Themes: xapp's high-contrast theme keeps every pair of text and background the screens
draw at WCAG's AAA ratio (7:1); a theme named in the config file is the one the app
starts in, over the one remembered; a name that is no theme is said, not fatal.
(SQLite only, as every screen test: the contrast check needs no server at all.)"""

from __future__ import annotations

import pytest
from textual.color import Color

from tests.conftest import People
from tests.test_tui_home import home_of, notes, signed_in_app, wait_for
from xapp.themes import HIGH_CONTRAST


def luminance(color: Color) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(color.r) + 0.7152 * channel(color.g) + 0.0722 * channel(color.b)


def contrast(text: Color, background: Color) -> float:
    light, dark = sorted((luminance(text), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize(
    ("text", "on"),
    [
        ("foreground", "background"),
        ("text-muted", "background"),
        ("text-disabled", "background"),
        ("accent", "background"),
        ("primary", "surface"),
        ("success", "background"),
        ("warning", "background"),
        ("error", "background"),
        ("text-success", "background"),
        ("text-warning", "background"),
        ("text-error", "background"),
        ("text-accent", "background"),
        ("footer-key-foreground", "background"),
        ("block-cursor-foreground", "block-cursor-background"),
        ("foreground", "boost"),
    ],
)
def test_high_contrast_pairs_keep_seven_to_one(text: str, on: str) -> None:
    variables = HIGH_CONTRAST.to_color_system().generate()
    variables.update(HIGH_CONTRAST.variables)
    background = Color.parse(variables["background"])
    under = background + Color.parse(variables[on])  # a translucent colour over the screen
    ratio = contrast(background + Color.parse(variables[text]), under)
    assert ratio >= 7.0, f"{text} on {on}: {ratio:.1f}:1"


async def test_the_config_files_theme_wins_and_a_wrong_one_is_said(
    people: People, tmp_path
) -> None:
    ada = await people.signed_in("ada")
    app = signed_in_app(people.url, "ada", ada.token or "", tmp_path)
    app.chosen_theme = "xapp-high-contrast"
    async with app.run_test(size=(120, 40)) as pilot:
        await home_of(pilot)
        assert app.theme == "xapp-high-contrast"
    wrong = signed_in_app(people.url, "ada", ada.token or "", tmp_path / "another")
    wrong.chosen_theme = "neon-sunset"
    async with wrong.run_test(size=(120, 40)) as pilot:
        await home_of(pilot)
        await wait_for(pilot, lambda: "There is no theme 'neon-sunset'" in notes(wrong))
        assert wrong.theme == "textual-dark"  # the default: nothing was remembered there
