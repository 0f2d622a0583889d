"""Notifications: the outbox dispatcher, its delivery channels and the message texts."""
