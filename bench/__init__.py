"""The benchmark suite: `python -m bench [--smoke] [--out FILE]` (or `scripts/bench`).

Every scenario starts the processes it needs, measures callbackd and a bare baseline in the
same run, alternating, and reports the median and spread over rounds. Nothing here is a test:
the figures are compared with goals and printed, never asserted.
"""
