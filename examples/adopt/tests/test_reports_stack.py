"""Team B's governance test: the stack as the app builds it passes the organisation's rules.

``assert_governed`` comes from the cdktf-governance pytest plugin (installed with the toolkit): it runs a
full synth, with the governance validation, and lists every finding with its fix.
"""

from reports_stack import App, ReportsStack


def test_reports_stack_is_governed(assert_governed):
    assert_governed(ReportsStack(App(), "reports-test", environment="test"))
