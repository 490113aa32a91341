"""E1: contract clauses that make collection easier, as an editable .docx for sales to paste into new
contracts. "甲方" is the customer (buyer), "乙方" is us; blanks (__) are for the deal's numbers.

The texts are suggestions to review with the company's lawyer, not legal advice.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from huikuan.letters.common import day_zh, letterhead
from huikuan.letters.render import render_docx

CLAUSES: tuple[dict[str, str], ...] = (
    {
        "key": "milestone_payments",
        "title": "分阶段付款（里程碑付款）",
        "text": "本合同价款按下列阶段支付：（1）本合同签订后__日内，甲方支付合同总价的__%作为预付款；"
        "（2）货物到达交付地点并经甲方签收后__日内，支付合同总价的__%；（3）验收合格（或依本合同视为验收合格）后"
        "__日内，支付合同总价的__%；（4）其余__%作为质保金，于质保期满之日起__日内支付。"
        "每一阶段的付款义务在该阶段条件成就时即告成立，不以后续阶段的完成为前提。",
        "why": "每个付款节点有明确的触发事件和期限，应收款在事件发生时即可确认和催收；"
        "各节点分别起算诉讼时效，也便于按已完成的阶段成果请对方付款。",
    },
    {
        "key": "partial_acceptance",
        "title": "部分验收、部分付款",
        "text": "对可分批交付或可分项验收的货物、工程或服务，甲方对已交付部分验收合格后，应按已验收部分的价款比例"
        "支付相应款项，不得以其他部分尚未交付、尚未验收或存在争议为由拒付已验收部分的款项。"
        "甲方应在收到乙方验收申请之日起__日内组织验收；逾期未组织验收，也未书面提出具体异议的，视为验收合格。",
        "why": "避免“整体验收后才付款”使已完成部分的回款被拖延；视为验收条款防止对方以不验收拖延付款。",
    },
    {
        "key": "invoice_then_pay",
        "title": "开票与付款时限（先票后款）",
        "text": "乙方在每期付款条件成就后__个工作日内，按甲方书面提供的开票信息开具等额合法有效的增值税发票；"
        "甲方应在收到发票之日起__日内支付该期款项。甲方对发票有异议的，应在收到发票之日起__个工作日内书面提出，"
        "逾期视为无异议；发票确有错误的，乙方更正后付款期限自甲方收到更正发票之日起计算，"
        "但不影响甲方对无争议部分的付款义务。",
        "why": "“先票后款”时写明开票期限和收票后的付款期限，发票问题不能无限期推迟付款。",
    },
    {
        "key": "late_payment_interest",
        "title": "逾期付款利息与费用承担",
        "text": "甲方未按约定期限付款的，每逾期一日，应按逾期未付金额的万分之__向乙方支付逾期付款违约金，"
        "直至全部付清之日止。乙方为实现债权而支出的诉讼费、保全费、保全担保费、律师费、公证费、差旅费等费用，"
        "由甲方承担。",
        "why": "约定利率后按约定计算，否则只能按一年期LPR加计30%–50%主张；律师费等费用须有约定才较易获得支持。"
        "约定过分高于损失的，法院可能调减（民法典第585条），日万分之五较为常见。",
    },
    {
        "key": "balance_confirmation_duty",
        "title": "定期对账与回函义务",
        "text": "甲方应在每季度结束后__日内（或收到乙方对账确认函之日起__日内）核对乙方发出的对账确认函，"
        "加盖公章或财务专用章后寄回乙方；对余额有异议的，应在上述期限内书面列明不符项目及具体内容。",
        "why": "盖公章或财务专用章的对账确认函是欠款的有力证据，并使诉讼时效重新计算；"
        "事先约定回函义务，客户财务更愿意配合盖章。",
    },
    {
        "key": "service_address",
        "title": "通知与送达地址",
        "text": "双方确认本合同首部所列地址、联系人、电话和电子邮箱为各类通知、函件及诉讼文书的送达地址；"
        "一方变更的，应在变更之日起__日内书面通知对方，否则按原地址送达即视为送达。",
        "why": "催款函送达才使诉讼时效中断；约定送达地址后，按该地址寄送即可证明送达。",
    },
    {
        "key": "suspension_right",
        "title": "中止履行",
        "text": "甲方任何一期款项逾期超过__日未付的，乙方有权在书面通知甲方后中止后续供货或服务，直至甲方付清到期款项，"
        "由此导致的工期或交付期限顺延，乙方不承担责任。",
        "why": "中止履行现有合同需要法律依据，否则中止本身可能构成违约；合同自身的条款是最清楚的依据，仍须书面通知对方。",
    },
)


def clauses_context(issued_on: date) -> dict[str, Any]:
    items = [{"no": n, **c} for n, c in enumerate(CLAUSES, start=1)]
    return {"company": letterhead().company, "clauses": items, "issued_text": day_zh(issued_on)}


def clauses_docx(issued_on: date) -> bytes:
    return render_docx("clauses.docx", clauses_context(issued_on))
