"""The benchmark command runs end to end (on a tiny campus; timing is its own job, not the suite's)."""
import pytest

pytestmark = pytest.mark.slow


def test_benchmark_command_times_every_screen(runner):
    result = runner.invoke(args=["benchmark", "--scale", "0.002", "--repeat", "2", "--import-rows", "30"])
    assert "bench data built" in result.output and "imported 30 rows" in result.output, result.output
    for line in ("board (manager)", "card move", "lead list page 50", "lead list last page", "search initials", "timeline older page",
                 "dashboard (teacher)", "student ledger", "one tap", "全部出勤", "audit page",
                 "report funnel (year)", "report balances", "export leads.xlsx", "import upload",
                 "import commit step"):
        assert line in result.output, (line, result.output)
    assert "answered" not in result.output, result.output


def test_a_second_run_on_the_same_day_says_the_sheets_are_marked(runner, tmp_path):
    url = f"sqlite:///{tmp_path / 'bench.db'}"
    first = runner.invoke(args=["benchmark", "--scale", "0.002", "--repeat", "2", "--import-rows", "0",
                                "--database-url", url, "--only", "出勤"])
    assert first.exit_code in (0, 1) and "全部出勤" in first.output, first.output
    again = runner.invoke(args=["benchmark", "--reuse", "--repeat", "2", "--database-url", url, "--only", "one tap"])
    assert again.exit_code != 0 and "already marked" in again.output, again.output
    board = runner.invoke(args=["benchmark", "--reuse", "--repeat", "2", "--database-url", url, "--only", "pool"])
    assert "pool" in board.output and "already marked" not in board.output, board.output
