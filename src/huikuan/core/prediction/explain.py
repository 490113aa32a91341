"""The customer page's sentence: "usually pays 12 days late; this one likely 2026-12-14".

>>> from datetime import date
>>> r = outlook_reasons(12.4, date(2026, 12, 14), date(2026, 12, 5), date(2026, 12, 30), False,
...                     0.8, 0.1, date(2026, 11, 1))
>>> [x.code for x in r]
['prediction_usual_and_likely', 'prediction_late_chance']
>>> from huikuan.core.reasons import describe
>>> describe(r[0], "en")
'usually pays 12 days late; this one likely 2026-12-14 (80 % between 2026-12-05 and 2026-12-30)'
"""

from __future__ import annotations

from datetime import date

from huikuan.core.reasons import Reason


def outlook_reasons(
    usual_days_late: float | None,
    pay_on: date,
    pay_low: date,
    pay_high: date,
    cold_start: bool,
    p_late: float,
    p_late30: float,
    as_of: date,
) -> tuple[Reason, ...]:
    """The main sentence, then the chances of paying late (see `huikuan.core.prediction.REASONS`)."""
    chances = Reason("prediction_late_chance", {"p_late": p_late, "p_late30": p_late30})
    if pay_on < as_of:
        main = Reason("prediction_date_passed", {"pay_on": pay_on})
    elif cold_start or usual_days_late is None:
        main = Reason("prediction_no_history", {"pay_on": pay_on, "low": pay_low, "high": pay_high})
    elif round(usual_days_late) <= 0:
        main = Reason("prediction_usually_on_time", {"pay_on": pay_on, "low": pay_low, "high": pay_high})
    else:
        params = {"usual": usual_days_late, "pay_on": pay_on, "low": pay_low, "high": pay_high}
        main = Reason("prediction_usual_and_likely", params)
    return (main, chances)
