"""Deploy the synthesized stack to a local AWS emulator (MiniStack) and run the pipeline end to end.

    python -m deploy.demo [--keep]

Nothing here is imported by the stack, the handlers or the governance code; it drives
``terraform`` and the emulator as subprocesses and talks to the emulator with boto3.
"""
