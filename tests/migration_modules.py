"""Load one Alembic migration file as a module, to test its pure data helpers without running it."""
from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

VERSIONS = Path(__file__).resolve().parents[1] / "migrations" / "versions"


def load_migration(filename: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"migration_{filename.partition('_')[0]}", VERSIONS / filename)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
