"""The benchmark command runs end to end (on a tiny campus; timing is its own job, not the suite's)."""


def test_benchmark_command_times_every_screen(runner):
    result = runner.invoke(args=["benchmark", "--scale", "0.002", "--repeat", "2", "--import-rows", "30"])
    assert "bench data built" in result.output and "imported 30 rows" in result.output, result.output
    for line in ("board (manager)", "card move", "lead list page 50", "lead list last page", "search initials", "timeline older page",
                 "dashboard (teacher)", "student ledger", "one tap", "全部出勤", "audit page",
                 "report funnel (year)", "report balances", "export leads.xlsx", "import upload",
                 "import commit step"):
        assert line in result.output, (line, result.output)
    assert "answered" not in result.output, result.output
