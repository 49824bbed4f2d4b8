"""Contrast of the dashboard's colours, computed from the WCAG 2 formula: text at least
4.5:1 against what it sits on, chart colours, focus rings and control borders at least 3:1
(WCAG 1.4.3 and 1.4.11). The colours are read from where they are defined: ``COLORS`` and
``OTHERS`` in baton/web/charts.py and the custom properties of baton.css's ``:root`` (the
only place the stylesheet may write a colour)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from baton.web.charts import COLORS, OTHERS

CSS = Path(__file__).resolve().parents[2] / "src" / "baton" / "web" / "static" / "css" / "baton.css"
TEXT, NON_TEXT = 4.5, 3.0


def luminance(hex_colour: str) -> float:
    """WCAG 2 relative luminance of an sRGB colour written #rgb or #rrggbb."""
    h = hex_colour.lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    channels = [int(h[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def css_colours() -> dict[str, str]:
    """The ``--name: #hex`` custom properties of the stylesheet's ``:root``."""
    root = re.search(r":root\s*\{(.*?)\}", CSS.read_text(), re.DOTALL).group(1)
    return dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{3,6})\b", root))


# Text colour on the background it sits on, and where.
TEXT_PAIRS = [
    ("fg", "bg", "body text on the page"),
    ("fg", "card", "text in cards, tables and charts' tables"),
    ("fg", "chip", "a status pill (new, open, …)"),
    ("fg", "rating", "a rating label"),
    ("fg", "rating-good", "the 'best possible' and 'best in class' rating labels"),
    ("fg", "rating-yellow", "the 'yellow' rating label"),
    ("fg", "rating-red", "the 'red' and 'critical' rating labels"),
    ("fg", "warn-soft", "an approaching clock's row"),
    ("muted", "bg", "the period, hints and notes on the page"),
    ("muted", "card", "sub-lines, table headers, input placeholders"),
    ("muted", "warn-soft", "a sub-line in an approaching clock's row"),
    ("accent", "bg", "a link on the page"),
    ("accent", "card", "a link in a card or table; a secondary button's label"),
    ("accent", "warn-soft", "a lead's link in an approaching clock's row"),
    ("on-accent", "accent", "a button's label"),
    ("ok", "card", "a health flag that is fine; an added line of a diff"),
    ("ok", "ok-bg", "the 'running' and 'active' badges"),
    ("ok", "ok-soft", "a notice"),
    ("warn", "card", "a changed line of a diff"),
    ("warn", "warn-bg", "the amber badges: approaching, away, draft"),
    ("bad", "card", "a red flag, an overdue clock's lateness, a field error"),
    ("bad", "bad-bg", "the 'overdue', 'inactive' and 'retired' badges"),
    ("bad", "bad-soft", "a problem message"),
    ("bad", "warn-soft", "how late an overdue clock is, in its highlighted row"),
    ("top-fg", "top-bg", "the header's links"),
    ("top-muted", "top-bg", "the header's user and time zone"),
    ("top-current", "top-bg", "the header's current page"),
]
# Non-text: a focus ring against what is around it, a control's border against its field.
NON_TEXT_PAIRS = [
    ("focus", "bg", "a focus ring on the page"),
    ("focus", "card", "a focus ring in a card"),
    ("focus", "warn-soft", "a focus ring in an approaching clock's row"),
    ("focus-on-dark", "top-bg", "a focus ring on the dark header"),
    ("top-mark", "top-bg", "the current page's underline"),
    ("control-line", "card", "the border of an input, a select, a secondary button"),
    ("accent", "card", "a button against its card"),
]


@pytest.mark.parametrize("fg, bg, where", TEXT_PAIRS, ids=[f"{f}/{b}" for f, b, _ in TEXT_PAIRS])
def test_text_has_a_contrast_of_at_least_4_5_to_1(fg, bg, where):
    colours = css_colours()
    ratio = contrast(colours[fg], colours[bg])
    assert ratio >= TEXT, f"{where}: --{fg} on --{bg} is {ratio:.2f}:1"


@pytest.mark.parametrize(
    "fg, bg, where", NON_TEXT_PAIRS, ids=[f"{f}/{b}" for f, b, _ in NON_TEXT_PAIRS]
)
def test_focus_rings_and_control_borders_have_a_contrast_of_at_least_3_to_1(fg, bg, where):
    colours = css_colours()
    ratio = contrast(colours[fg], colours[bg])
    assert ratio >= NON_TEXT, f"{where}: --{fg} on --{bg} is {ratio:.2f}:1"


@pytest.mark.parametrize(
    "name, paint", [*COLORS.items(), *((f"OTHERS[{i}]", c) for i, c in enumerate(OTHERS))]
)
def test_every_chart_colour_has_a_contrast_of_at_least_3_to_1_on_the_card(name, paint):
    ratio = contrast(paint, css_colours()["card"])  # charts are drawn on a card
    assert ratio >= NON_TEXT, f"chart colour {name} {paint} is {ratio:.2f}:1 on the card"


def test_the_stylesheet_writes_its_colours_only_as_the_checked_custom_properties():
    text = CSS.read_text()
    rest = re.sub(r":root\s*\{.*?\}", "", text, count=1, flags=re.DOTALL)
    assert not re.findall(r"#[0-9a-fA-F]{3,8}\b|\brgba?\(|\bhsla?\(", rest)
    used = set(re.findall(r"var\(--([a-z-]+)", text))
    assert used <= set(css_colours()), used - set(css_colours())


def test_the_old_failures_would_have_been_caught():
    # what axe-core and the issue measured before: the formula says the same
    assert contrast("#6b7280", "#d9f5dd") == pytest.approx(4.15, abs=0.01)  # 'best possible'
    assert contrast("#f59e0b", "#ffffff") == pytest.approx(2.15, abs=0.01)  # amber human delay
    assert contrast("#10b981", "#ffffff") == pytest.approx(2.54, abs=0.01)  # green hit
