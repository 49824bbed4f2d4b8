"""How the dashboard says a quantity: the unit a chart of durations is drawn in, picked at
its boundaries; a duration in words; a count with its noun, in Python and in templates."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from baton.web.render import environment
from baton.web.units import DAYS, HOURS, MINUTES, duration, duration_unit, plural, word_for

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "baton" / "web" / "templates"
MINUTE, HOUR = 60, 3600


@pytest.mark.parametrize(
    "largest, unit",
    [
        (0, MINUTES),
        (119 * MINUTE, MINUTES),
        (120 * MINUTE, MINUTES),
        (121 * MINUTE, HOURS),
        (48 * HOUR, HOURS),
        (48 * HOUR + 1, DAYS),
        (5_000 * MINUTE, DAYS),  # what the Speed page drew as "5,000 minutes"
    ],
)
def test_a_chart_of_durations_reads_minutes_to_120_then_hours_to_48_then_days(largest, unit):
    assert duration_unit([30, None, largest]) is unit


def test_the_unit_is_picked_from_every_series_of_the_axis_and_none_is_no_value():
    assert duration_unit([90 * MINUTE], [3 * HOUR]) is HOURS
    assert duration_unit([None, None]) is MINUTES
    assert duration_unit() is MINUTES


def test_values_are_converted_to_the_unit_and_none_stays_none():
    assert HOURS.all_of([5_000 * MINUTE, None, 90 * MINUTE]) == [83.33, None, 1.5]
    assert MINUTES.of(45) == 0.75  # a systems delay of seconds is not rounded to nothing
    assert DAYS.of(3 * 86_400 + 6 * HOUR) == 3.25


def test_a_duration_in_words_says_days_past_a_day():
    assert [duration(s) for s in (None, 45, 600, 3_900, 90_000)] == [
        "—",
        "45 s",
        "10 min",
        "1 h 05 min",
        "1 d 1 h",
    ]


@pytest.mark.parametrize(
    "count, said",
    [
        (1, "1 lead"),
        (0, "0 leads"),
        (2, "2 leads"),
        (1_204, "1,204 leads"),
        (None, "— leads"),
    ],
)
def test_one_lead_many_leads(count, said):
    assert plural(count, "lead") == said


def test_an_irregular_plural_and_a_fraction():
    assert plural(1, "person", "people") == "1 person" and word_for(3, "person", "people") == (
        "people"
    )
    assert plural(1.0, "business day") == "1.0 business day"
    assert plural(2.5, "business day") == "2.5 business days"


def test_templates_say_one_lead_through_the_filters():
    template = environment().from_string(
        '{{ 1|plural("lead") }}; {{ 3|plural("clock") }}; <b>{{ 1|num }}</b> {{ 1|noun("alert") }}'
    )
    assert template.render() == "1 lead; 3 clocks; <b>1</b> alert"


def test_no_template_writes_a_count_before_a_hard_coded_plural():
    """A number followed by "leads" says "1 leads" one day: counts go through |plural."""
    nouns = "leads|clocks|alerts|misroutes|charges|days|people|versions|orders|members|weeks"
    found = [
        f"{path.relative_to(TEMPLATES)}: {m.group(0)}"
        for path in TEMPLATES.rglob("*.html")
        for m in re.finditer(rf"\}}\}}\s*(?:{nouns})\b", path.read_text())
    ]
    assert found == []
