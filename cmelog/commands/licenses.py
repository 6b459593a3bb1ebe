"""license, ledger and rules commands (several licenses and boards)."""

from __future__ import annotations
