"""D7 face-to-face meeting plan: opening → topic → bargaining → concrete actions → fallback.

The plan is data: each stage is a list of `Reason` items the UI renders in Chinese or English,
plus a bargaining range (target, floor, allowed concessions). The ground for asking is the
milestones already achieved *and accepted* by the customer (E3); unaccepted ones are not quoted.
Texts follow D3 (no "合同", no threats), which a test checks with the wording linter.

>>> ctx = MeetingContext(as_of=date(2026, 3, 2), strategy="discount", open_amount=Decimal("100000.00"),
...     project_name="一期", milestone="acceptance", due_on=date(2026, 1, 31),
...     achievements=(Achievement("系统上线", date(2025, 12, 20), accepted=True),),
...     discount_cap=Decimal("0.015"))
>>> plan = plan_meeting(ctx)
>>> [s.key for s in plan.stages]
['opening', 'topic', 'bargaining', 'actions', 'fallback']
>>> plan.bargaining.floor, plan.bargaining.concessions
(Decimal('98500.00'), ('discount', 'dates'))
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from huikuan.core.money import cents
from huikuan.core.reasons import Reason, describe
from huikuan.core.tables import Role, Strategy

StageKey = Literal["opening", "topic", "bargaining", "actions", "fallback"]
Concession = Literal["discount", "instalments", "dates", "future_business"]
STAGES: tuple[StageKey, ...] = ("opening", "topic", "bargaining", "actions", "fallback")

REASONS: dict[str, tuple[str, str]] = {
    "open_thanks": (
        "感谢贵司在“{project}”项目上的合作与支持",
        "thank them for working together on “{project}”",
    ),
    "open_milestone_achieved": (
        "回顾成果：{title}（{on} 达成，已获贵司确认）",
        "recall the result: {title} (achieved {on}, accepted by the customer)",
    ),
    "open_sympathy": (
        "坦诚说明我方资金周转的压力，请对方体谅",
        "explain our own cash-flow pressure frankly and ask for understanding",
    ),
    "open_future_business": ("谈谈接下来的合作计划", "talk about the next work together"),
    "topic_amount_due": (
        "按双方约定，{milestone}款 {amount} 元应于 {due_on} 支付",
        "as agreed, the {milestone} payment of {amount} was due on {due_on}",
    ),
    "topic_ground_accepted": (
        "以已确认的 {count} 项成果为依据提出付款",
        "ask for payment on the ground of {count} accepted result(s)",
    ),
    "topic_no_accepted_result": (
        "尚无客户确认的阶段成果可引用：先请对方确认成果",
        "no accepted result to quote yet: ask them to confirm the results first",
    ),
    "bargain_target": ("目标：{target} 元一次付清", "target: {target} in one payment"),
    "bargain_discount": (
        "可让步：现金折扣最多 {discount_max:.1%}，底线 {floor} 元",
        "may concede: cash discount up to {discount_max:.1%}, floor {floor}",
    ),
    "bargain_instalments": (
        "可让步：最多分 {instalments_max} 期，最后一期不晚于 {latest_date}",
        "may concede: up to {instalments_max} instalments, the last by {latest_date}",
    ),
    "bargain_dates": (
        "可让步：付款日期最晚 {latest_date}",
        "may concede: payment date no later than {latest_date}",
    ),
    "bargain_future_business": (
        "可交换：后续合作的安排，以本期款项到账为前提",
        "may trade: next work together, once this payment has arrived",
    ),
    "ask_payment_date": ("请对方确定具体付款日期和金额", "ask for a concrete payment date and amount"),
    "ask_written_promise": ("请对方书面确认付款承诺（盖章）", "ask for a written, stamped promise to pay"),
    "ask_stamp_confirmation": ("请对方在对账确认函上盖章", "ask them to stamp the balance confirmation"),
    "ask_sign_plan": ("请对方签署付款计划确认书", "ask them to sign the payment plan confirmation"),
    "ask_start_approval": (
        "请付款责任人在 {window_on} 前启动付款审批",
        "ask the payer to start the payment approval before {window_on}",
    ),
    "ask_meet_decision_maker": ("请对方引荐决策人", "ask to be introduced to the decision maker"),
    "ask_issue_resolution": (
        "与验收人确认问题清单和解决时间",
        "agree the issue list and a fix date with the acceptor",
    ),
    "fallback_follow_up": (
        "未达成：{follow_up_on} 再次跟进，并记录本次沟通",
        "if not reached: follow up on {follow_up_on} and record this meeting",
    ),
    "fallback_decision_maker": ("未达成：约见决策人", "if not reached: meet the decision maker"),
    "fallback_plan_offer": (
        "未达成：主动提出分期付款方案",
        "if not reached: propose an instalment plan ourselves",
    ),
    "fallback_escalate_review": (
        "承诺再次落空：提交经理评估下一步措施",
        "if the promise fails again: ask the manager to review the next step",
    ),
}

LABELS: dict[str, tuple[str, str]] = {
    "advance": ("预付", "advance"),
    "delivery": ("到货", "delivery"),
    "acceptance": ("验收", "acceptance"),
    "retention": ("质保", "retention"),
    "other": ("其他", "other"),
    "opening": ("开场", "opening"),
    "topic": ("切入主题", "topic"),
    "bargaining": ("讨价还价", "bargaining"),
    "actions": ("明确具体行动", "concrete actions"),
    "fallback": ("未达成时的后续行动", "if not reached"),
}


@dataclass(frozen=True, slots=True)
class Achievement:
    """A milestone result (E3): quoted only when the customer accepted it."""

    title: str
    achieved_on: date
    accepted: bool


@dataclass(frozen=True, slots=True)
class MeetingContext:
    """The receivable, the chosen strategy and the room to move."""

    as_of: date
    strategy: Strategy
    open_amount: Decimal
    project_name: str
    milestone: str
    due_on: date
    contact_role: Role | None = None
    talk: str | None = None  # e.g. "sympathy" for a payment plan
    achievements: tuple[Achievement, ...] = ()
    discount_cap: Decimal | None = None  # the discount offer cap (strategy.discount_offer.max_offer)
    max_instalments: int = 3
    latest_date: date | None = None
    next_window_on: date | None = None
    follow_up_on: date | None = None


@dataclass(frozen=True, slots=True)
class Stage:
    key: StageKey
    items: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class BargainingRange:
    """What we ask for and how far we may go."""

    target: Decimal
    floor: Decimal
    discount_max: Decimal
    instalments_max: int
    latest_date: date | None
    concessions: tuple[Concession, ...]


@dataclass(frozen=True, slots=True)
class MeetingPlan:
    strategy: Strategy
    stages: tuple[Stage, ...]
    bargaining: BargainingRange
    quoted: tuple[Achievement, ...]


# Allowed concessions and the actions to ask for, per strategy (D4–D6, E4).
_CONCESSIONS: dict[str, tuple[Concession, ...]] = {
    "discount": ("discount", "dates"),
    "payment_plan": ("instalments", "dates"),
    "exchange": ("future_business", "dates"),
    "timing": ("dates",),
}
_ACTIONS: dict[str, tuple[str, ...]] = {
    "discount": ("ask_payment_date", "ask_written_promise"),
    "payment_plan": ("ask_sign_plan", "ask_written_promise"),
    "exchange": ("ask_payment_date", "ask_written_promise"),
    "timing": ("ask_start_approval", "ask_payment_date"),
    "secure_limitation": ("ask_stamp_confirmation", "ask_payment_date"),
    "resolve_issue_first": ("ask_issue_resolution",),
}
_DEFAULT_ACTIONS = ("ask_payment_date", "ask_written_promise", "ask_stamp_confirmation")


def plan_meeting(ctx: MeetingContext) -> MeetingPlan:
    """A five-stage plan for meeting the customer about one receivable.

    >>> ctx = MeetingContext(as_of=date(2026, 3, 2), strategy="payment_plan", talk="sympathy",
    ...     open_amount=Decimal("60000.00"), project_name="二期", milestone="delivery",
    ...     due_on=date(2026, 1, 10), latest_date=date(2026, 6, 30))
    >>> [r.code for r in plan_meeting(ctx).stages[2].items]
    ['bargain_target', 'bargain_instalments', 'bargain_dates']
    """
    quoted = tuple(a for a in sorted(ctx.achievements, key=lambda a: a.achieved_on) if a.accepted)
    talk = ctx.talk or ("sympathy" if ctx.strategy == "payment_plan" else None)

    opening = [Reason("open_thanks", {"project": ctx.project_name})]
    opening += [Reason("open_milestone_achieved", {"title": a.title, "on": a.achieved_on}) for a in quoted]
    if talk == "sympathy":
        opening.append(Reason("open_sympathy"))
    if ctx.strategy == "exchange":
        opening.append(Reason("open_future_business"))

    amount = cents(ctx.open_amount)
    topic = [Reason("topic_amount_due", {"milestone": ctx.milestone, "amount": amount, "due_on": ctx.due_on})]
    if quoted:
        topic.append(Reason("topic_ground_accepted", {"count": len(quoted)}))
    else:
        topic.append(Reason("topic_no_accepted_result"))

    concessions = _CONCESSIONS.get(ctx.strategy, ("dates",))
    discount_max = ctx.discount_cap if "discount" in concessions and ctx.discount_cap else Decimal("0")
    floor = cents(amount - amount * discount_max)
    latest = ctx.latest_date or ctx.next_window_on
    bargaining = BargainingRange(
        target=amount,
        floor=floor,
        discount_max=discount_max,
        instalments_max=ctx.max_instalments if "instalments" in concessions else 1,
        latest_date=latest,
        concessions=concessions,
    )
    bargain = [Reason("bargain_target", {"target": amount})]
    if "discount" in concessions:
        bargain.append(Reason("bargain_discount", {"discount_max": discount_max, "floor": floor}))
    if "instalments" in concessions:
        params = {"instalments_max": ctx.max_instalments, "latest_date": latest or "unknown"}
        bargain.append(Reason("bargain_instalments", params))
    if "future_business" in concessions:
        bargain.append(Reason("bargain_future_business"))
    if "dates" in concessions:
        bargain.append(Reason("bargain_dates", {"latest_date": latest or "unknown"}))

    actions = [
        Reason(code, {"window_on": ctx.next_window_on or "unknown"})
        for code in _ACTIONS.get(ctx.strategy, _DEFAULT_ACTIONS)
    ]
    if ctx.contact_role not in (None, "decision_maker"):
        actions.append(Reason("ask_meet_decision_maker"))

    fallback = [Reason("fallback_follow_up", {"follow_up_on": ctx.follow_up_on or "unknown"})]
    if ctx.contact_role != "decision_maker":
        fallback.append(Reason("fallback_decision_maker"))
    if ctx.strategy in {"discount", "exchange", "timing", "remind"}:
        fallback.append(Reason("fallback_plan_offer"))
    fallback.append(Reason("fallback_escalate_review"))

    stages = (
        Stage("opening", tuple(opening)),
        Stage("topic", tuple(topic)),
        Stage("bargaining", tuple(bargain)),
        Stage("actions", tuple(actions)),
        Stage("fallback", tuple(fallback)),
    )
    return MeetingPlan(ctx.strategy, stages, bargaining, quoted)


def render_plan(plan: MeetingPlan, lang: str = "zh-hans") -> str:
    """The plan as a numbered outline, one stage per block.

    >>> ctx = MeetingContext(as_of=date(2026, 3, 2), strategy="remind", open_amount=Decimal("10.00"),
    ...     project_name="P", milestone="other", due_on=date(2026, 1, 10), follow_up_on=date(2026, 3, 9))
    >>> render_plan(plan_meeting(ctx), "en").splitlines()[0]
    '1. opening'
    """
    blocks = []
    for n, stage in enumerate(plan.stages, start=1):
        lines = [f"{n}. {_stage_title(stage.key, lang)}"] + [
            f"   - {describe(item, lang)}" for item in stage.items
        ]
        blocks.append("\n".join(lines))
    return "\n".join(blocks)


def _stage_title(key: StageKey, lang: str) -> str:
    zh, en = LABELS[key]
    return en if lang.lower().startswith("en") else zh
