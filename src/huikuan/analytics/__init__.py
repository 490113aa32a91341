"""The daily run (DESIGN §2 "Derived every day"): bulk load, vectorised rules, bulk write-back.

The pure computations live in ``huikuan.core.analytics``; this app loads the portfolio with a few
SQL queries, stores the results (`DailyRun`, `ReceivableStatus`) and exposes the run to the CLI,
the worker and the web pages.
"""
