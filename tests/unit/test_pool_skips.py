"""Reading who a round robin skipped, and why, from the words of its stored steps."""

from __future__ import annotations

from baton.web.pool_skips import PoolSkips, Skip, _tally, skipped_in


def test_reasons_keep_their_own_brackets():
    words = (
        "round robin sdr-americas: skipped Ava (at capacity (150 open)); "
        "skipped Ben (out of office until Dec 5), "
        "chose Fatima (weight 2, 1st assignment this cycle)"
    )
    assert skipped_in(words) == [
        ("Ava", "at capacity (150 open)"),
        ("Ben", "out of office until Dec 5"),
    ]


def test_a_step_that_found_nobody_names_everyone_it_skipped():
    words = (
        "round robin ae-emea: nobody available "
        "(skipped Klara (inactive); skipped Emma (outside working hours)) → continue"
    )
    assert skipped_in(words) == [("Klara", "inactive"), ("Emma", "outside working hours")]


def test_skips_are_counted_per_person_for_the_pool_asked_only():
    step = lambda pool, words: {"values": {"pool": pool}, "words": words}  # noqa: E731
    traces = [
        [step("p", "round robin p: skipped Ana (out of office until Nov 5), chose Bo")],
        [step("p", "round robin p: skipped Ana (out of office until Nov 5), chose Bo")],
        [step("q", "round robin q: skipped Ana (inactive), chose Cy")],
        [step("p", "round robin p: skipped Ana (at daily cap (5 today)), chose Bo")],
    ]
    assert _tally(traces, "p") == (
        Skip("Ana", 3, ("out of office until Nov 5", "at daily cap (5 today)")),
    )
    assert PoolSkips(_tally(traces, "p"), 4, False).words == (
        "Ana skipped 3× (out of office until Nov 5; at daily cap (5 today))"
    )
    assert PoolSkips((), 4, False).words == "nobody was skipped: check the weights"
