"""The version, a leaf every module may read (``jsonl_lint.__version__`` re-exports it)."""

__version__ = "0.1.0"
