"""Issuer actions: generate keys, sign awards, revoke them. Each writes new files atomically."""
