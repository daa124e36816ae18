"""xapp's own theme beside Textual's: high contrast, for low vision and bright rooms.

Pure white text on pure black, yellow for what can be acted on (the accent, the focused
row, the footer's keys), and status colours bright enough to read as text on black: every
pair the screens draw text in keeps WCAG's AAA ratio of 7:1 (tests/test_themes.py).
"""

from __future__ import annotations

from textual.theme import Theme

HIGH_CONTRAST = Theme(
    name="xapp-high-contrast",
    primary="#FFFF00",
    secondary="#00FFFF",
    accent="#FFFF00",
    foreground="#FFFFFF",
    background="#000000",
    surface="#000000",
    panel="#000000",
    success="#00FF66",
    warning="#FFB000",
    error="#FF6B6B",
    dark=True,
    text_alpha=1.0,
    variables={
        "text-muted": "#E6E6E6",
        # The unfocused cursor row (and other lifted surfaces): visible on black, white
        # text on it still above 10:1.
        "boost": "#FFFFFF38",
        # Textual darkens status colours for text on dark themes; here they stay bright.
        "text-success": "#00FF66",
        "text-warning": "#FFB000",
        "text-error": "#FF6B6B",
        "text-primary": "#FFFF00",
        "text-accent": "#FFFF00",
        "text-secondary": "#00FFFF",
        "text-disabled": "#C8C8C8",
        "border": "#FFFFFF",
        "border-blurred": "#C8C8C8",
        "footer-key-foreground": "#FFFF00",
        "footer-description-foreground": "#FFFFFF",
        "block-cursor-foreground": "#000000",
        "block-cursor-background": "#FFFF00",
        "block-cursor-text-style": "bold",
        "input-selection-background": "#FFFF00 60%",
        "scrollbar": "#C8C8C8",
        "scrollbar-hover": "#FFFFFF",
    },
)

THEMES = (HIGH_CONTRAST,)
"""Registered on the App, beside Textual's own (chosen with ctrl+p, remembered)."""
