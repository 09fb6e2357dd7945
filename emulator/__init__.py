"""The local-emulator harness: deploy the synthesized stack to MiniStack and run the pipeline end to end.

    python -m emulator.demo [--keep]        (make local-deploy)

``ministack`` starts and stops the emulator in its own environment (.venv-emulator), ``target``
writes the override that points a copy of the stack at it, ``local`` deploys that copy with
``ops.terraform``, ``demo`` runs a file through it with ``ops.pipeline``. ``launcher`` runs inside
the emulator's interpreter (standard library and ministack only): the response-fidelity patches and
the test-only fault injection. Nothing in the stack, the handlers or the governance code imports
this package.

This module imports nothing: the emulator's interpreter imports it as the parent of ``launcher``.
"""
