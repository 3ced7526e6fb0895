"""The registry's public transparency log: entries from Git history, publishing, witnessing, monitoring.

The pure formats (Merkle proofs, tiles, signed notes) are in :mod:`generator.tlog`; this package does the I/O.
See ``docs/transparency-log-operators.md`` for the state design and the key handling.
"""
