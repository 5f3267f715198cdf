"""Bytes on disk and in storage: finding the inputs, opening them, reading lines, writing fixes.

The only layer that touches files; it imports nothing above it.
"""
