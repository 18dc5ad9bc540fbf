"""Test doubles for outside systems: a fake Twilio HTTP server the real client talks to."""
