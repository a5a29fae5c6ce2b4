"""The benchmark command runs end to end (on a tiny campus; timing is its own job, not the suite's)."""


def test_benchmark_command_times_every_screen(runner):
    result = runner.invoke(args=["benchmark", "--leads", "200", "--repeat", "1", "--import-rows", "30"])
    assert "filled 200 leads" in result.output and "imported 30 rows" in result.output, result.output
    for screen in ("board", "list", "search pinyin", "search last4", "lead page", "import upload", "import commit step"):
        assert screen in result.output
