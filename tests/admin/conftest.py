"""Fixtures for the admin screens."""
from __future__ import annotations

import pytest


@pytest.fixture
def as_admin(login_as):
    """The client signed in as the admin; returns the admin user."""
    return login_as("admin")
