"""Sizes and shared state of one generator run."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from huikuan.demo.bulk import BulkWriter

EPOCH = date(1970, 1, 1)


@dataclass(frozen=True)
class Scale:
    """How many rows of the main tables to generate (DESIGN §5); any positive sizes work.

    Receivables at least contracts, contracts at least customers.
    """

    customers: int
    contracts: int
    receivables: int
    payments: int
    activities: int
    name: str = "custom"

    def __post_init__(self) -> None:
        if not 0 < self.customers <= self.contracts <= self.receivables:
            raise ValueError("need 0 < customers ≤ contracts ≤ receivables")
        if self.receivables > 5 * self.contracts:
            raise ValueError("at most five milestones per contract")
        if self.payments < 0 or self.activities < 0:
            raise ValueError("sizes must not be negative")


SCALES = {
    "small": Scale(500, 3_000, 10_000, 10_000, 30_000, "small"),
    "mid": Scale(10_000, 100_000, 300_000, 300_000, 1_000_000, "mid"),
    "large": Scale(100_000, 400_000, 1_000_000, 1_000_000, 3_000_000, "large"),
}


@dataclass
class Context:
    seed: int
    as_of: date
    scale: Scale
    writer: BulkWriter

    @property
    def today(self) -> int:
        """as_of as days since 1970-01-01, the unit of every date column in the generator."""
        return (self.as_of - EPOCH).days

    def rng(self, *stream: int) -> np.random.Generator:
        """An independent random stream per part, so changing one part leaves the others as they were."""
        return np.random.default_rng([self.seed, *stream])


def day_of(d: date) -> int:
    return (d - EPOCH).days


def year_of(days: np.ndarray) -> np.ndarray:
    return days.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970


def month_start(days: np.ndarray) -> np.ndarray:
    """The first day of each day's month, as days."""
    return days.astype("datetime64[D]").astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
