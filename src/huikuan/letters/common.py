"""Pieces every letter shares: amounts in figures and 大写, dates in Chinese, our letterhead and bank,
the law firm, the payment deadline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import cn2an

from huikuan.core.calendar import CalendarOverride, WorkCalendar
from huikuan.core.money import cents
from huikuan.ledger.services import LedgerError

BLANK = "__________"
CURRENCY_NAMES = {"CNY": "人民币", "USD": "美元", "EUR": "欧元", "HKD": "港币", "JPY": "日元", "GBP": "英镑"}


class LetterError(LedgerError):
    """Bad input for a letter or bundle (the CLI exits 1); the message is safe to show in Chinese."""

    def __init__(self, message: str, code: str = "letter_error") -> None:
        super().__init__(message, code)


def upper(amount: Decimal) -> str:
    """大写 after rounding to the cent half up (cn2an is given the rounded text, never a float).

    >>> upper(Decimal("1010.054")), upper(Decimal("100"))
    ('壹仟零壹拾元零伍分', '壹佰元整')
    """
    value = cents(amount)
    if value < 0:
        return "负" + upper(-value)
    text: str = cn2an.an2cn(format(value, "f"), "rmb")
    return text


def money(amount: Decimal, currency: str = "CNY") -> dict[str, Any]:
    """An amount as letters print it.

    >>> m = money(Decimal("12345.6"))
    >>> m["figures"], m["upper"], m["text"]
    ('12,345.60', '壹万贰仟叁佰肆拾伍元陆角', '人民币 12,345.60 元（大写：人民币壹万贰仟叁佰肆拾伍元陆角）')
    """
    value = cents(amount)
    name = CURRENCY_NAMES.get(currency, currency)
    figures = f"{value:,.2f}"
    big = upper(value)
    unit = "元" if currency == "CNY" else ""
    return {
        "value": value,
        "currency": currency,
        "currency_name": name,
        "figures": figures,
        "upper": big,
        "text": f"{name} {figures} {unit}（大写：{name}{big}）".replace("  ", " "),
    }


def day_zh(day: date | None) -> str:
    """``2026年3月31日``; a blank line to fill in when unknown.

    >>> day_zh(date(2026, 3, 1)), day_zh(None)
    ('2026年3月1日', '____年__月__日')
    """
    if day is None:
        return "____年__月__日"
    return f"{day.year}年{day.month}月{day.day}日"


def or_blank(text: str | None) -> str:
    return text.strip() if text and text.strip() else BLANK


@dataclass(frozen=True)
class Letterhead:
    company: dict[str, str]
    firm: dict[str, str]
    payment_days: int


def letterhead() -> Letterhead:
    """Our side: letterhead, bank details, seal placeholder; and the law firm, from the settings."""
    from huikuan.ledger.models import CompanySettings
    from huikuan.letters.models import LetterSettings

    s = LetterSettings.current()
    name = (s.letterhead or CompanySettings.current().name).strip()
    company = {
        "name": or_blank(name),
        "address": or_blank(s.address),
        "phone": or_blank(s.phone),
        "contact": or_blank(s.contact_person),
        "account_name": or_blank(s.account_name or name),
        "bank_name": or_blank(s.bank_name),
        "bank_account": or_blank(s.bank_account),
        "seal": s.seal_text or "（公司盖章）",
        "signer": or_blank(s.signer),
    }
    firm = {
        "name": or_blank(s.law_firm),
        "address": or_blank(s.law_firm_address),
        "phone": or_blank(s.law_firm_phone),
        "lawyer": or_blank(s.lawyer),
        "licence": or_blank(s.lawyer_licence),
    }
    return Letterhead(company, firm, s.payment_days)


def work_calendar() -> WorkCalendar:
    from huikuan.ledger.models import CalendarDay

    overrides = [
        CalendarOverride(d.day, d.kind == CalendarDay.Kind.WORKDAY, d.name) for d in CalendarDay.objects.all()
    ]
    return WorkCalendar(overrides)


def deadline(issued_on: date, days: int) -> date:
    """``days`` calendar days after the letter, rolled forward to a workday (a customer cannot pay on a
    holiday, and a deadline on one would be unfair in court)."""
    return work_calendar().workday_on_or_after(issued_on + timedelta(days=days))


def letter_no(prefix: str, issued_on: date, key: int) -> str:
    """A reference printed on the letter: ``DZ-20260331-000042``."""
    return f"{prefix}-{issued_on:%Y%m%d}-{key:06d}"
