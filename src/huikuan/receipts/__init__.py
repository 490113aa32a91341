"""Bank receipts and 款项认领: every credit line of a bank statement, matched or waiting for a claim."""
