"""Import customers, contacts, receivables, invoices, payments and bank statements (FORMATS.md).

``huikuan import FILE --kind K`` → :func:`huikuan.imports.pipeline.run_import`. Files are read
as text (readers), the header row is found and its columns mapped (columns), the rows are
parsed and validated with Polars (rows, parse, validate), each kind plans its inserts and
updates against the database (customers, contacts, receivables, invoices, payments, bank), and
the plan is written with bulk SQL in one transaction (plan, sql) — or, on any error, not at all.
"""
