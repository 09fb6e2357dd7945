"""What runs inside the emulator's interpreter (``.venv-emulator``): MiniStack plus the harness's changes.

    python -m emulator.launcher                 MiniStack with every patch (emulator.ministack starts it)
    python -m emulator.launcher.check           which patches the installed MiniStack still needs

Standard library and ``ministack`` only (tests/test_boundaries.py): the project's environment is not
there. ``patches/`` holds one module per MiniStack bug, each naming the MiniStack version and the
function it wraps and carrying ``still_needed()``, a reproduction of the bug on the unpatched
function; ``faults`` is the test-only fault injection; ``wrap`` is how both replace a function.
"""
