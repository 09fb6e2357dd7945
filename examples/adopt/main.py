"""Team B's app: ``python main.py`` (or ``cdktf synth``) writes cdktf.out, or lists every governance finding."""

import sys

from reports_stack import App, ReportsStack

from aspects import synth_app

app = App()
ReportsStack(app, "reports-dev", environment="dev")
sys.exit(synth_app(app))
