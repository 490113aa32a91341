"""Build the default letter templates (src/huikuan/letters/templates/*.docx) with python-docx.

The .docx files carry docxtpl (Jinja) tags and are committed next to this script; run it again
after changing a letter's wording:

    .venv/bin/python scripts/build_letter_templates.py

A company changes a letter by copying one of the files into ``var/templates/`` (under
HUIKUAN_HOME), editing it in Word or WPS and keeping the ``{{ … }}`` / ``{%p … %}`` tags it needs.
Every tag sits in a run of its own paragraph or cell, so Word does not split it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

OUT = Path(__file__).resolve().parent.parent / "src" / "huikuan" / "letters" / "templates"
FONT = "SimSun"  # 宋体; LibreOffice substitutes Noto Serif CJK where it is missing
TOTALS = "{% for t in totals %}{{ t.text }}{% if not loop.last %}；{% endif %}{% endfor %}"


def new_document(header: str, footer: str) -> Document:
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin = section.bottom_margin = Cm(2.5)
    section.left_margin = section.right_margin = Cm(2.6)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(12)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    normal.paragraph_format.space_after = Pt(4)
    normal.paragraph_format.line_spacing = 1.25
    head = section.header.paragraphs[0]
    head.text = header
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    head.runs[0].bold = True
    head.runs[0].font.size = Pt(14)
    foot = section.footer.paragraphs[0]
    foot.text = footer
    foot.alignment = WD_ALIGN_PARAGRAPH.CENTER
    foot.runs[0].font.size = Pt(9)
    return doc


def para(
    doc: Document,
    text: str = "",
    *,
    bold: bool = False,
    align: str = "",
    size: float = 0,
    indent: bool = False,
):
    p = doc.add_paragraph()
    run = p.add_run(text)
    run.bold = bold
    if size:
        run.font.size = Pt(size)
    if align == "center":
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif align == "right":
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if indent:
        p.paragraph_format.first_line_indent = Pt(24)
    return p


def body(doc: Document, text: str):
    """A body paragraph, first line indented two characters."""
    return para(doc, text, indent=True)


def title(doc: Document, text: str) -> None:
    para(doc, text, bold=True, align="center", size=18)


def table(
    doc: Document,
    columns: list[tuple[str, str, float]],
    loop: str,
    total: list[str] | None = None,
) -> None:
    """Columns as (header, cell tag, width in cm); one row repeated by ``{%tr for … %}``; a total row."""
    t = doc.add_table(rows=0, cols=len(columns))
    t.style = "Table Grid"
    t.autofit = False

    def row(values: list[str], bold: bool = False) -> None:
        cells = t.add_row().cells
        for cell, value, (_h, _c, width) in zip(cells, values, columns, strict=True):
            cell.width = Cm(width)
            run = cell.paragraphs[0].add_run(value)
            run.bold = bold
            run.font.size = Pt(10)

    blank = [""] * (len(columns) - 1)
    row([h for h, _c, _w in columns], bold=True)
    row([f"{{%tr for {loop} %}}", *blank])
    row([c for _h, c, _w in columns])
    row(["{%tr endfor %}", *blank])
    if total:
        row(total, bold=True)
    for column, (_h, _c, width) in zip(t.columns, columns, strict=True):
        column.width = Cm(width)  # the grid: LibreOffice reads it, Word reads the cells
    doc.add_paragraph()


def interest_table(doc: Document, with_contract: bool) -> None:
    """逾期利息明细: one row per rate period, so the letter's figures can be checked by hand."""
    columns = [
        ("期次", "{{ p.sequence }}", 1.1),
        ("本金", "{{ p.principal.figures }}", 2.5),
        ("计息期间", "{{ p.period }}", 5.6),
        ("天数", "{{ p.days }}", 1.3),
        ("利率", "{{ p.rate }}", 2.0),
        ("利息", "{{ p.interest.figures }}", 2.4),
    ]
    if with_contract:
        columns = [("合同编号", "{{ p.contract_number }}", 2.6), *columns]
        columns[3] = ("计息期间", "{{ p.period }}", 3.0)
    body(doc, "逾期利息计算明细：")
    table(doc, columns, "p in interest.pieces")


def block(doc: Document, tag: str) -> None:
    """A paragraph-level Jinja tag: ``{%p if … %}``, ``{%p for … %}``, ``{%p endif %}``…"""
    doc.add_paragraph(f"{{%p {tag} %}}")


def bank(doc: Document) -> None:
    for label, field in (("户名", "account_name"), ("开户银行", "bank_name"), ("账号", "bank_account")):
        para(doc, f"{label}：{{{{ company.{field} }}}}")


def signature(doc: Document) -> None:
    para(doc)
    para(doc, "{{ company.name }}", align="right")
    para(doc, "{{ company.seal }}", align="right")
    para(doc, "经办人：{{ company.signer }}", align="right")
    para(doc, "{{ issued_text }}", align="right")


SIGNATURE_ROWS = [
    ("甲方（盖章）：{{ company.name }}", "乙方（盖章）：{{ customer.name }}"),
    ("代表（签字）：__________", "代表（签字）：__________"),
    ("日期：____年__月__日", "日期：____年__月__日"),
]
REPLY_SEAL = "（公司盖章）                经办人：__________                日期：____年__月__日"
COMPANY_HEADER = "{{ company.name }}"
COMPANY_FOOTER = "地址：{{ company.address }}    电话：{{ company.phone }}"


def confirmation() -> Document:
    doc = new_document(COMPANY_HEADER, COMPANY_FOOTER)
    title(doc, "对账确认函")
    para(doc, "编号：{{ letter_no }}", align="right")
    para(doc, "致：{{ customer.name }}（客户编码：{{ customer.code }}）")
    body(
        doc,
        "截至{{ as_of_text }}，根据我司账面记录，贵司尚欠我司款项合计" + TOTALS + "。按合同列示如下：",
    )
    table(
        doc,
        [
            ("序号", "{{ c.no }}", 1.1),
            ("合同编号", "{{ c.number }}", 2.9),
            ("项目名称", "{{ c.project_name }}", 3.6),
            ("合同金额", "{{ c.amount_figures }}", 2.6),
            ("发票号码", "{{ c.invoices_text }}", 3.0),
            ("未付余额", "{{ c.open.figures }}", 2.6),
        ],
        "c in contracts",
        ["合计", "", "", "", "", "{% for t in totals %}{{ t.figures }} {% endfor %}"],
    )
    body(doc, "合计金额大写：{% for t in totals %}{{ t.currency_name }}{{ t.upper }} {% endfor %}")
    body(
        doc,
        "请贵司核对上述余额，在下方回执中确认，加盖公章或财务专用章后于收到本函之日起10日内寄回我司"
        "（地址：{{ company.address }}，联系人：{{ company.contact }}，电话：{{ company.phone }}）。"
        "同时，请贵司尽快安排支付上述款项，款项请汇入我司以下账户：",
    )
    bank(doc)
    signature(doc)
    para(
        doc,
        "------------------------------（以下为回执，请盖章后寄回）------------------------------",
        align="center",
        size=9,
    )
    para(doc, "回  执", bold=True, align="center", size=14)
    para(doc, "致：{{ company.name }}")
    para(doc, "1. 信息证明无误", bold=True)
    body(
        doc,
        "截至{{ as_of_text }}，我司尚欠贵司款项合计" + TOTALS + "，我司承诺于____年__月__日前支付。",
    )
    para(doc, REPLY_SEAL, align="right")
    para(doc, "2. 信息不符，请列明不符项目及具体内容", bold=True)
    for _ in range(3):
        para(doc, "______________________________________________________________________")
    para(doc, REPLY_SEAL, align="right")
    return doc


def dunning() -> Document:
    doc = new_document(COMPANY_HEADER, COMPANY_FOOTER)
    title(doc, "催款函")
    para(doc, "编号：{{ letter_no }}", align="right")
    para(doc, "致：{{ customer.name }}")
    body(doc, "感谢贵司一直以来对我司的信任与支持。")
    body(
        doc,
        "贵我双方就“{{ contract.project_name }}”开展合作（编号：{{ contract.number }}，"
        "签订日期：{{ contract.signed_on_text }}）。",
    )
    block(doc, "if achievements")
    body(doc, "目前，以下阶段成果已经完成并经贵司确认：")
    block(doc, "for a in achievements")
    body(doc, "· {{ a.on_text }}，{{ a.title }}。")
    block(doc, "endfor")
    block(doc, "endif")
    body(doc, "按照双方约定，截至{{ as_of_text }}，下列款项已到付款时间，尚未收到：")
    table(
        doc,
        [
            ("期次", "{{ i.sequence }}", 1.2),
            ("款项", "{{ i.kind_label }}", 2.0),
            ("到期日", "{{ i.due_on }}", 2.6),
            ("发票号码", "{{ i.invoices_text }}", 6.0),
            ("未付金额", "{{ i.open.figures }}", 4.0),
        ],
        "i in items",
        ["合计", "", "", "", "{% for t in totals %}{{ t.figures }} {% endfor %}"],
    )
    body(doc, "以上合计：" + TOTALS + "。")
    block(doc, "if interest.claimed")
    body(
        doc,
        "截至{{ interest.to_date_text }}，上述款项的逾期付款利息为{{ interest.interest.text }}，"
        "本息合计{{ interest.total.text }}。计算依据：{{ interest.basis_text }}。"
        "此后至实际付清之日的利息继续计算。",
    )
    interest_table(doc, with_contract=False)
    block(doc, "endif")
    block(doc, "if sme")
    block(doc, "for s in sme")
    body(doc, "{{ s }}")
    block(doc, "endfor")
    block(doc, "endif")
    body(doc, "恳请贵司于{{ deadline_text }}前将上述款项支付至我司以下账户：")
    bank(doc)
    body(
        doc,
        "如贵司对上述款项有任何疑问，或在付款安排上有困难，请与我司{{ company.contact }}联系"
        "（电话：{{ company.phone }}），我们愿意与贵司共同商量解决办法。",
    )
    body(doc, "特此函告。")
    signature(doc)
    return doc


def plan() -> Document:
    doc = new_document(COMPANY_HEADER, COMPANY_FOOTER)
    title(doc, "付款计划确认书")
    para(doc, "编号：{{ letter_no }}", align="right")
    para(doc, "甲方（收款方）：{{ company.name }}")
    para(doc, "乙方（付款方）：{{ customer.name }}")
    body(doc, "乙方确认，截至{{ issued_text }}，乙方尚欠甲方下列款项：")
    table(
        doc,
        [
            ("编号", "{{ i.contract_number }}", 2.9),
            ("项目", "{{ i.project_name }}", 4.0),
            ("期次", "{{ i.sequence }}", 1.2),
            ("款项", "{{ i.kind_label }}", 1.9),
            ("到期日", "{{ i.due_on }}", 2.6),
            ("未付金额", "{{ i.open.figures }}", 3.2),
        ],
        "i in items",
    )
    body(doc, "乙方承诺按下列计划分{{ count }}期付款，合计{{ total.text }}：")
    table(
        doc,
        [
            ("期次", "{{ p.no }}", 1.2),
            ("付款日期", "{{ p.date_text }}", 3.6),
            ("金额", "{{ p.amount.figures }}", 3.4),
            ("金额大写", "{{ p.amount.upper }}", 7.6),
        ],
        "p in instalments",
        ["合计", "", "{{ total.figures }}", "{{ total.upper }}"],
    )
    body(doc, "1. 乙方应按上表日期将各期款项足额支付至甲方以下账户：")
    bank(doc)
    body(
        doc,
        "2. 任何一期款项未按期足额支付的，其余各期款项视为全部到期，甲方可要求乙方一次付清全部未付款项。",
    )
    body(
        doc,
        "3. 本确认书是乙方对上述欠款及付款计划的确认，自双方盖章之日起生效；双方原有约定的其他内容不变。",
    )
    para(doc)
    signatures = doc.add_table(rows=3, cols=2)  # no borders: two signature blocks side by side
    for row, (left, right) in zip(signatures.rows, SIGNATURE_ROWS, strict=True):
        row.cells[0].paragraphs[0].add_run(left)
        row.cells[1].paragraphs[0].add_run(right)
    return doc


def lawyer() -> Document:
    doc = new_document("{{ firm.name }}", "地址：{{ firm.address }}    电话：{{ firm.phone }}")
    para(doc, "【草稿：须经承办律师审核、修改并签发后方可发出】", align="center", size=9)
    title(doc, "律 师 函")
    para(doc, "编号：{{ letter_no }}", align="right")
    para(doc, "致：{{ customer.name }}")
    body(
        doc,
        "{{ firm.name }}（以下简称“本所”）接受{{ company.name }}（以下简称“委托人”）的委托，"
        "指派{{ firm.lawyer }}律师，就贵司拖欠委托人款项一事，郑重函告如下：",
    )
    body(doc, "一、根据委托人提供的资料，贵司与委托人签订了下列合同，委托人已按约履行了相应义务：")
    table(
        doc,
        [
            ("合同编号", "{{ c.number }}", 2.8),
            ("项目名称", "{{ c.project_name }}", 3.4),
            ("签订日期", "{{ c.signed_on_text }}", 2.6),
            ("合同金额", "{{ c.amount_figures }}", 2.3),
            ("发票号码", "{{ c.invoices_text }}", 2.5),
            ("到期未付金额", "{{ c.open.figures }}", 2.2),
        ],
        "c in contracts",
    )
    block(doc, "if achievements")
    body(doc, "其中，下列成果已经贵司签收或验收确认：")
    block(doc, "for a in achievements")
    body(doc, "· {{ a.on_text }}，合同编号{{ a.contract_number }}：{{ a.title }}。")
    block(doc, "endfor")
    block(doc, "endif")
    body(
        doc,
        "二、截至{{ as_of_text }}，贵司尚欠委托人到期款项合计" + TOTALS + "{% if interest.claimed %}，"
        "逾期付款利息{{ interest.interest.text }}，本息合计{{ interest.total.text }}"
        "（计算依据：{{ interest.basis_text }}；此后利息继续计算至实际付清之日）{% endif %}。"
        "贵司逾期未付，已构成违约。",
    )
    block(doc, "if interest.claimed")
    interest_table(doc, with_contract=True)
    block(doc, "endif")
    block(doc, "if sme")
    block(doc, "for s in sme")
    body(doc, "{{ s }}")
    block(doc, "endfor")
    block(doc, "endif")
    body(
        doc,
        "三、本所律师郑重提请贵司：请于收到本函之日起{{ pay_within_days }}日内，将上述款项支付至委托人以下账户：",
    )
    bank(doc)
    body(
        doc,
        "逾期仍未支付的，本所将建议委托人依法申请支付令、提起诉讼或申请仲裁，并申请财产保全，追究贵司的违约责任；"
        "由此产生的诉讼费、保全费等费用，将依法或依约由贵司承担。",
    )
    body(
        doc,
        "如贵司对上述事实有异议，请于收到本函之日起{{ pay_within_days }}日内与本所律师联系。",
    )
    body(doc, "此致")
    para(doc, "{{ customer.name }}")
    para(doc)
    para(doc, "{{ firm.name }}", align="right")
    para(doc, "律师：{{ firm.lawyer }}（执业证号：{{ firm.licence }}）", align="right")
    para(doc, "（律所盖章）", align="right")
    para(doc, "{{ issued_text }}", align="right")
    return doc


def clauses() -> Document:
    doc = new_document(COMPANY_HEADER, "合同条款参考 · 请结合具体交易并经法务或律师审核后使用")
    title(doc, "便于回款的合同条款参考")
    body(
        doc,
        "以下条款供销售在起草新合同时参考、复制。“甲方”指客户（买方），“乙方”指我司；“__”处按具体交易填写。"
        "条款仅为参考文本，不构成法律意见，使用前请经法务或律师审核。",
    )
    block(doc, "for c in clauses")
    para(doc, "{{ c.no }}. {{ c.title }}", bold=True, size=13)
    body(doc, "{{ c.text }}")
    para(doc, "说明：{{ c.why }}", size=10, indent=True)
    block(doc, "endfor")
    para(doc, "{{ issued_text }}", align="right")
    return doc


BUILDERS = {
    "confirmation.docx": confirmation,
    "dunning.docx": dunning,
    "plan.docx": plan,
    "lawyer.docx": lawyer,
    "clauses.docx": clauses,
}


def main(out: Path = OUT) -> int:
    out.mkdir(parents=True, exist_ok=True)
    for name, build in BUILDERS.items():
        doc = build()
        # Fixed metadata so that rebuilding an unchanged template gives the same document properties.
        doc.core_properties.author = "huikuan"
        doc.core_properties.title = name.removesuffix(".docx")
        doc.save(str(out / name))
        print(out / name)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT))
