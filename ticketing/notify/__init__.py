"""Notifications: delivery channels, the message texts, and turning an outbox row into a sent message."""
