"""``targets --samples`` with the L-shaped method: its time limit, and a bad limit as a one-line error."""

from __future__ import annotations

from pathlib import Path

from valuechain.cli import run

TOY = str(Path(__file__).resolve().parents[2] / "models" / "toy-battery.yaml")


def test_lshaped_sampled_plan_on_the_command_line_reports_its_gap_and_intervals(capsys):
    args = ["targets", TOY, "--samples", "6", "--seed", "2", "--workers", "0", "--form", "lshaped"]
    assert run([*args, "--time-limit", "60"]) == 0
    text = capsys.readouterr().out
    assert "in-sample optimum (lshaped, 6 samples)" in text
    assert "wait-and-see" in text  # its time is listed with the other steps
    assert "expected cost out of sample" in text


def test_a_time_limit_that_is_not_positive_is_a_one_line_error(capsys):
    assert run(["targets", TOY, "--samples", "6", "--workers", "0", "--time-limit", "0"]) == 1
    err = capsys.readouterr().err
    assert "--time-limit > 0" in err
    assert "Traceback" not in err
