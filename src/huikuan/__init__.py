"""huikuan (回款): tells every salesperson which receivable to chase, whom to ask, when and how."""

__version__ = "0.1.0"
