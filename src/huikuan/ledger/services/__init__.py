"""Use-case functions: the one place each money-changing workflow lives (web, API, CLI call these)."""


class LedgerError(Exception):
    """A domain error with a message safe to show to the user (in Chinese)."""

    def __init__(self, message: str, code: str = "ledger_error") -> None:
        super().__init__(message)
        self.message = message
        self.code = code
