"""Backup and restore of a whole instance: database and uploaded documents in one archive.

``archive`` (the ZIP file, manifest, checksums), ``tables`` (rows in a database-neutral form),
``create`` (``huikuan backup``), ``restore`` (``huikuan restore``), ``command`` (the CLI glue).
"""
