"""Money as Decimal with explicit rounding, never float.

>>> cents(Decimal("10.005"))
Decimal('10.01')
>>> split_evenly(Decimal("100.00"), 3)
[Decimal('33.34'), Decimal('33.33'), Decimal('33.33')]
>>> parse_amount("￥1,234.5元")
Decimal('1234.50')
"""

from __future__ import annotations

import re
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


class AmountError(ValueError):
    """A text that is not an amount. Never silently zero."""


def cents(value: Decimal | int | str) -> Decimal:
    """Round to cents, half up (the rounding Chinese invoices and ledgers use)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def to_cents_int(value: Decimal) -> int:
    """Integer cents, for exact sums in Polars columns."""
    return int(cents(value) * 100)


def from_cents_int(value: int) -> Decimal:
    return (Decimal(value) / 100).quantize(CENT)


def split_evenly(total: Decimal, parts: int) -> list[Decimal]:
    """Split ``total`` into ``parts`` amounts to the cent; the leftover cents go to the first parts.

    The parts always add up to the total exactly.
    """
    if parts <= 0:
        raise ValueError("parts must be positive")
    total_cents = to_cents_int(total)
    base, extra = divmod(total_cents, parts)
    return [from_cents_int(base + (1 if i < extra else 0)) for i in range(parts)]


_AMOUNT_NOISE = re.compile(r"[\s,，¥￥元]|RMB|CNY", re.IGNORECASE)


def parse_amount(text: str | int | float | Decimal) -> Decimal:
    """Parse ``1,234.50``, ``¥1234.5``, ``￥1234.5``, ``1234.50元`` into a Decimal with two places.

    Raises AmountError for anything else, including more than two decimals, NaN and infinities.
    """
    if isinstance(text, Decimal):
        value = text
    elif isinstance(text, int | float):
        value = Decimal(str(text))
    else:
        cleaned = _AMOUNT_NOISE.sub("", text.strip())
        if not cleaned:
            raise AmountError(f"empty amount: {text!r}")
        try:
            value = Decimal(cleaned)
        except InvalidOperation as exc:
            raise AmountError(f"not an amount: {text!r}") from exc
    if not value.is_finite():
        raise AmountError(f"not a finite amount: {text!r}")
    if value != value.quantize(CENT, rounding=ROUND_DOWN):
        raise AmountError(f"more than two decimal places: {text!r}")
    return value.quantize(CENT)


_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ["", "拾", "佰", "仟"]
_BIG_UNITS = ["", "万", "亿", "万亿"]


def _four_digits(n: int) -> str:
    out = ""
    zero = False
    for pos in range(3, -1, -1):
        d = (n // 10**pos) % 10
        if d == 0:
            zero = bool(out)
        else:
            if zero:
                out += "零"
                zero = False
            out += _DIGITS[d] + _SMALL_UNITS[pos]
    return out


def rmb_upper(amount: Decimal) -> str:
    """Amount in Chinese capitals as written on letters and cheques (大写金额).

    >>> rmb_upper(Decimal("100"))
    '壹佰元整'
    >>> rmb_upper(Decimal("1010.05"))
    '壹仟零壹拾元零伍分'
    >>> rmb_upper(Decimal("0.5"))
    '伍角'
    """
    value = cents(amount)
    if value < 0:
        return "负" + rmb_upper(-value)
    total = int(value * 100)
    yuan, fen_total = divmod(total, 100)
    jiao, fen = divmod(fen_total, 10)
    text = ""
    if yuan:
        groups = []
        n = yuan
        while n:
            groups.append(n % 10000)
            n //= 10000
        pending_zero = False
        for idx in range(len(groups) - 1, -1, -1):
            g = groups[idx]
            if g == 0:
                pending_zero = bool(text)
                continue
            if text and (pending_zero or g < 1000):
                text += "零"
            text += _four_digits(g) + _BIG_UNITS[idx]
            pending_zero = False
        text += "元"
    if not jiao and not fen:
        return (text or "零元") + "整"
    if jiao:
        text += _DIGITS[jiao] + "角"
    elif yuan:
        text += "零"
    if fen:
        text += _DIGITS[fen] + "分"
    return text
