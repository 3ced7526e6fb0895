"""credreg: a Git repository that is a public registry of micro-credentials, and its toolkit."""

__version__ = "0.1.0"
