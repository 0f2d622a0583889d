"""Workflow files: loading and checking them, their state machines and their labels in each language."""
