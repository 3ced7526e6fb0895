"""Publish stage: the static site and its machine-readable files, built from a checked registry."""
