"""The large-object path at the emulator's scale: which synth settings make a file of a few hundred KB fan out.

The stack's defaults (``stack.config.FanOutSettings``) split files over 1 GiB into 256 MiB ranges; the
emulator runs (``make e2e``, ``make load``) synthesize the stack with these ``FANOUT_*`` variables instead,
so that a 300 KB file takes the same path through 14 ranges and 5 hash partitions. Files of the other
scenarios (up to ~100 KB) stay on the single-function path.
"""

from __future__ import annotations

EMULATOR_FANOUT: dict[str, str] = {
    "FANOUT_THRESHOLD_BYTES": "200000",
    "FANOUT_RANGE_BYTES": "24000",
    "FANOUT_PARTITION_BYTES": "80000",
    "FANOUT_MAX_CONCURRENCY": "4",
}
