"""The ledger: money (fen), hours (minutes) and points move only as transfers here (docs/ledger.md)."""
