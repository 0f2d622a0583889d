"""Persistence adapter: tables, engine, claims and the unit of work."""
