"""Collection use cases: one module per workflow (atomic, audited, a `LedgerError` with a Chinese
message when the input breaks a rule). The web views and the API call these, never the models directly."""
