"""Payment-date prediction in the Django shell: the stored model, training from the ledger, and the
answers the daily run and the customer page use. The pure part is ``huikuan.core.prediction``."""
