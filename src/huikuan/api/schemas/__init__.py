"""Explicit schemas at the edge (no business logic in them)."""
