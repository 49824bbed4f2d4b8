"""The verdict of one monitor: red strictly past its threshold, amber within
``amber_margin`` of it, green otherwise; not judged below its sample."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from baton.cli.main import cli
from baton.domain.health import Monitor, Sample, Status, exit_code, judge, overall
from baton.workspace.scaffold import write_template


@pytest.mark.parametrize(
    ("value", "status"),
    [(0.2001, Status.RED), (0.2, Status.AMBER), (0.1801, Status.AMBER), (0.18, Status.GREEN)],
)
def test_imbalance_over_20_percent_is_red_and_just_short_of_it_amber(value, status):
    assert judge(value, 0.2, "above", 0.1) is status


@pytest.mark.parametrize(
    ("value", "status"),
    [(0.7999, Status.RED), (0.8, Status.AMBER), (0.8799, Status.AMBER), (0.88, Status.GREEN)],
)
def test_compliance_under_80_percent_for_a_team_is_red(value, status):
    assert judge(value, 0.8, "below", 0.1) is status


def test_any_unassigned_lead_is_red_and_a_count_of_zero_has_no_amber_band():
    assert judge(0, 0, "above", 0.1) is Status.GREEN
    assert judge(1, 0, "above", 0.1) is Status.RED


def test_a_ratio_on_too_few_records_is_not_judged_however_bad():
    assert judge(1.0, 0.05, "above", 0.1, Sample(3, 20)) is Status.NOT_JUDGED
    assert judge(1.0, 0.05, "above", 0.1, Sample(20, 20)) is Status.RED
    assert Sample(3, 20, "routed leads").words == "not enough data: 3 of 20 routed leads"


def test_a_wider_amber_margin_widens_the_band():
    assert judge(0.15, 0.2, "above", 0.1) is Status.GREEN
    assert judge(0.15, 0.2, "above", 0.3) is Status.AMBER


def _m(status: Status) -> Monitor:
    return Monitor("m", "M", status, None, 0, "above", "(any)", "count", "", "")


def test_exit_status_is_0_green_1_amber_2_red_and_not_judged_counts_as_green():
    assert exit_code([_m(Status.GREEN), _m(Status.NOT_JUDGED)]) == 0
    assert exit_code([_m(Status.GREEN), _m(Status.AMBER)]) == 1
    assert exit_code([_m(Status.AMBER), _m(Status.RED), _m(Status.GREEN)]) == 2
    assert overall([_m(Status.NOT_JUDGED)]) is Status.GREEN


def test_baton_check_names_a_bad_health_threshold_and_its_line(tmp_path):
    write_template(tmp_path)
    with (tmp_path / "baton.yaml").open("a") as f:
        f.write("\nhealth:\n  worker_silence: soon\n  slow_response_multiple: 0\n")
    result = CliRunner().invoke(cli, ["-w", str(tmp_path), "check"])
    assert result.exit_code == 1
    assert "health.worker_silence: 'soon' is not a duration" in result.output
    assert "health.slow_response_multiple: Input should be greater than 0" in result.output
