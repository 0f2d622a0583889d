"""The secret key test apps sign sessions with: long enough for ``create_app`` (``MIN_SECRET_KEY_LENGTH``)."""

TEST_SECRET_KEY = "test-secret-key-for-signing-sessions-0123456789"
