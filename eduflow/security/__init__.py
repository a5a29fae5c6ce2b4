"""Passwords, field encryption, phone handling and HTTP hardening."""
