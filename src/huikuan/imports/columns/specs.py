"""Import column specs: the columns of every import kind (FORMATS.md "Import files").

Each column has a canonical English field name, the Chinese and English header names users may
write, a value type and whether it is required. Extra synonyms (``also``) cover the headers the
common ERP and bank exports use; FORMATS.md may only be extended, so nothing here renames a field.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Value types understood by huikuan.imports.parse.
TEXT, AMOUNT, DATE, INT, BOOL, CHOICE = "text", "amount", "date", "int", "bool", "choice"
ROLES, CLOSE_DAY, USCC, CURRENCY, EMAIL, DIRECTION = (
    "roles",
    "close_day",
    "uscc",
    "currency",
    "email",
    "direction",
)


@dataclass(frozen=True)
class Column:
    field: str
    zh: str
    en: str
    type: str = TEXT
    required: bool = False
    also: tuple[str, ...] = ()
    choices: dict[str, str] = field(default_factory=dict)
    max_length: int | None = None
    low: int | None = None  # int range
    high: int | None = None
    sign: str = ""  # amount: "positive", "non_negative", "nonzero"
    multi: bool = False  # several file columns feed it (joined with " / ")

    @property
    def names(self) -> tuple[str, ...]:
        return (self.zh, self.en, *self.also)

    @property
    def label(self) -> str:
        return self.zh


@dataclass(frozen=True)
class KindSpec:
    kind: str
    title: str
    columns: tuple[Column, ...]
    one_of: tuple[tuple[str, ...], ...] = ()  # at least one of these fields per row

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.field == name:
                return col
        raise KeyError(name)

    @property
    def fields(self) -> list[str]:
        return [c.field for c in self.columns]


def _choices(*pairs: tuple[str, tuple[str, ...]]) -> dict[str, str]:
    """{accepted text (lower case): stored value}; the stored value itself is always accepted."""
    out: dict[str, str] = {}
    for value, names in pairs:
        out[value.lower()] = value
        for name in names:
            out[name.lower()] = value
    return out


YES_NO = {
    "是": True,
    "否": False,
    "yes": True,
    "no": False,
    "y": True,
    "n": False,
    "true": True,
    "false": False,
}
YES_NO |= {"1": True, "0": False, "√": True, "×": False}

CUSTOMER_TYPES = _choices(
    ("government", ("政府机关", "政府")),
    ("public_institution", ("事业单位",)),
    ("state_owned", ("国企", "国有企业")),
    ("large", ("大型企业",)),
    ("sme", ("中小企业",)),
    ("other", ("其他",)),
)
FUNDS = _choices(("ample", ("充裕",)), ("normal", ("正常",)), ("tight", ("紧张",)), ("distressed", ("困难",)))
MILESTONES = _choices(
    ("advance", ("预付款", "预付")),
    ("delivery", ("到货款", "发货款")),
    ("acceptance", ("验收款",)),
    ("retention", ("质保金", "尾款质保金")),
    ("other", ("其他",)),
)
ROLE_NAMES = _choices(
    ("decision_maker", ("决策人",)),
    ("acceptor", ("验收人",)),
    ("payer", ("付款责任人",)),
    ("finance", ("财务",)),
    ("other", ("其他",)),
)
INVOICE_TYPES = _choices(("special", ("专票", "增值税专用发票")), ("normal", ("普票", "增值税普通发票")))
INVOICE_MEDIA = _choices(
    ("digital", ("数电", "数电票", "全电")), ("paper", ("纸质",)), ("electronic", ("电子",))
)
INVOICE_STATUSES = _choices(
    ("issued", ("已开", "已开具")),
    ("delivered", ("已送达",)),
    ("accepted", ("已勾选认证", "已认证")),
    ("red_reversed", ("已红冲", "红冲")),
)
METHODS = _choices(
    ("transfer", ("转账", "电汇", "银行转账")),
    ("bank_bill", ("银承", "银行承兑汇票")),
    ("commercial_bill", ("商承", "商业承兑汇票")),
    ("digital_voucher", ("数字债权凭证", "债权凭证")),
    ("offset", ("抵账",)),
    ("goods", ("以物抵债",)),
    ("cash", ("现金",)),
)
CREDIT_WORDS = ("贷", "贷方", "收入", "收", "入账", "来账", "存入", "c", "cr", "credit", "in", "+")
DEBIT_WORDS = ("借", "借方", "支出", "支", "付", "出账", "往账", "支取", "d", "dr", "debit", "out", "-")
DIRECTIONS = {w: "credit" for w in CREDIT_WORDS} | {w: "debit" for w in DEBIT_WORDS}
CURRENCY_NAMES = {
    "人民币": "CNY",
    "rmb": "CNY",
    "元": "CNY",
    "美元": "USD",
    "港币": "HKD",
    "港元": "HKD",
    "欧元": "EUR",
    "日元": "JPY",
    "英镑": "GBP",
}

CUSTOMER = Column("customer", "客户名称", "customer", max_length=200, also=("客户", "客户全称", "往来单位"))
CUSTOMER_CODE = Column(
    "customer_code", "客户编码", "customer_code", max_length=50, also=("客户代码", "客户编号", "customer_no")
)
USCC_COL = Column("uscc", "统一社会信用代码", "uscc", USCC, also=("社会信用代码", "纳税人识别号", "税号"))
OWNER = Column("owner", "销售", "owner", also=("销售员", "业务员", "销售人员", "客户经理"))
CURRENCY_COL = Column("currency", "币种", "currency", CURRENCY, also=("币别", "货币"))
CONTRACT_NO = Column("contract_no", "合同编号", "contract_no", max_length=100, also=("合同号", "合同编码"))
DOC_NO = Column("doc_no", "单据编号", "doc_no", max_length=100, also=("单据号",))
WHO = (("customer", "customer_code"),)

CUSTOMERS = KindSpec(
    "customers",
    "客户",
    (
        Column("customer", "客户名称", "customer", required=True, max_length=200, also=("客户", "客户全称")),
        CUSTOMER_CODE,
        USCC_COL,
        Column("group", "集团", "group", max_length=200, also=("所属集团", "customer_group")),
        Column("customer_type", "客户类型", "customer_type", CHOICE, choices=CUSTOMER_TYPES),
        OWNER,
        Column("book_close_day", "扎账日", "book_close_day", CLOSE_DAY, also=("关账日", "结账日")),
        Column("bank_close_day", "银行扎账日", "bank_close_day", CLOSE_DAY),
        Column("transfer_days", "转账周期", "transfer_days", INT, low=0, high=30),
        Column("needs_budget", "需预算", "needs_budget", BOOL),
        Column("budget_month", "预算月份", "budget_month", INT, low=1, high=12),
        Column("invoice_before_payment", "先票后款", "invoice_before_payment", BOOL),
        Column("invoice_requirements", "开票要求", "invoice_requirements"),
        Column("funds_status", "资金情况", "funds_status", CHOICE, choices=FUNDS),
        Column("credit_rating", "信用等级", "credit_rating", max_length=20),
        Column("credit_limit", "信用额度", "credit_limit", AMOUNT, sign="non_negative"),
        # Extensions (FORMATS.md allows new optional columns): what bank matching needs.
        Column("bank_name", "开户银行", "bank_name", max_length=100, also=("开户行",)),
        Column("bank_account", "银行账号", "bank_account", max_length=40, also=("账号",)),
        Column("aliases", "别名", "aliases", also=("简称", "曾用名")),
    ),
)

CONTACTS = KindSpec(
    "contacts",
    "联系人",
    (
        CUSTOMER,
        CUSTOMER_CODE,
        Column("name", "姓名", "name", required=True, max_length=50, also=("联系人",)),
        Column("roles", "角色", "roles", ROLES),
        Column("title", "职务", "title", max_length=50, also=("职位",)),
        Column("phone", "电话", "phone", max_length=30, also=("手机", "联系电话", "mobile")),
        Column("email", "邮箱", "email", EMAIL, max_length=254, also=("电子邮箱", "邮件")),
        Column("availability", "可拜访时间", "availability", max_length=200),
    ),
    one_of=WHO,
)

RECEIVABLES = KindSpec(
    "receivables",
    "应收款",
    (
        CUSTOMER,
        CUSTOMER_CODE,
        USCC_COL,
        Column(
            "contract_no",
            "合同编号",
            "contract_no",
            required=True,
            max_length=100,
            also=("合同号", "合同编码"),
        ),
        Column("project", "项目名称", "project", max_length=200, also=("项目",)),
        OWNER,
        DOC_NO,
        Column("milestone", "款项", "milestone", CHOICE, choices=MILESTONES, also=("款项类型", "付款节点")),
        Column("amount", "金额", "amount", AMOUNT, required=True, sign="positive", also=("应收金额",)),
        Column("due_on", "到期日", "due_on", DATE, required=True, also=("到期日期",)),
        Column("recognised_on", "确认日期", "recognised_on", DATE, also=("立账日期", "recognized_on")),
        Column("paid", "已收金额", "paid", AMOUNT, sign="non_negative", also=("已收款", "已收")),
        CURRENCY_COL,
    ),
    one_of=WHO,
)

INVOICES = KindSpec(
    "invoices",
    "发票",
    (
        Column("invoice_no", "发票号码", "invoice_no", required=True, max_length=30, also=("发票号",)),
        CUSTOMER,
        CUSTOMER_CODE,
        CONTRACT_NO,
        DOC_NO,
        Column("type", "发票类型", "type", CHOICE, choices=INVOICE_TYPES, also=("发票种类",)),
        Column("issued_on", "开票日期", "issued_on", DATE, required=True),
        Column(
            "amount", "金额", "amount", AMOUNT, required=True, sign="nonzero", also=("价税合计", "含税金额")
        ),
        Column("status", "状态", "status", CHOICE, choices=INVOICE_STATUSES, also=("发票状态",)),
        CURRENCY_COL,
        # Extensions: the invoice's medium and delivery date (readiness checks read them).
        Column("medium", "介质", "medium", CHOICE, choices=INVOICE_MEDIA, also=("发票介质",)),
        Column("delivered_on", "送达日期", "delivered_on", DATE),
    ),
    one_of=WHO,
)

PAYMENTS = KindSpec(
    "payments",
    "回款",
    (
        CUSTOMER,
        CUSTOMER_CODE,
        Column("paid_on", "回款日期", "paid_on", DATE, required=True, also=("收款日期", "到账日期")),
        Column(
            "amount", "金额", "amount", AMOUNT, required=True, sign="positive", also=("回款金额", "收款金额")
        ),
        CONTRACT_NO,
        Column(
            "method", "方式", "method", CHOICE, choices=METHODS, also=("回款方式", "收款方式", "结算方式")
        ),
        Column("bill_maturity", "票据到期日", "bill_maturity", DATE),
        Column("reference", "流水号", "reference", max_length=100, also=("交易流水号", "银行流水号")),
        Column("memo", "摘要", "memo", max_length=500, also=("备注",)),
        CURRENCY_COL,
        # Extensions: bill details and the paying account (duplicate rule: customer or payer account).
        Column("bill_number", "票据号码", "bill_number", max_length=60, also=("票据号",)),
        Column("bill_acceptor", "承兑人", "bill_acceptor", max_length=200),
        Column("payer_name", "付款方户名", "payer_name", max_length=200, also=("付款人",)),
        Column("payer_account", "付款方账号", "payer_account", max_length=40, also=("付款账号",)),
    ),
    one_of=WHO,
)

BANK = KindSpec(
    "bank",
    "银行流水",
    (
        Column(
            "date",
            "交易日期",
            "date",
            DATE,
            required=True,
            also=("交易时间", "记账日期", "入账日期", "交易日"),
        ),
        Column("credit", "贷方金额", "credit", AMOUNT, also=("收入金额", "贷方发生额", "收入", "贷方")),
        Column("debit", "借方金额", "debit", AMOUNT, also=("支出金额", "借方发生额", "支出", "借方")),
        Column("amount", "金额", "amount", AMOUNT, also=("交易金额", "发生额")),
        Column(
            "direction",
            "借贷方向",
            "direction",
            DIRECTION,
            also=("收支", "借贷标志", "借/贷", "借贷", "收支方向", "收付方向", "借贷标识"),
        ),
        Column(
            "counterparty",
            "对方户名",
            "counterparty",
            max_length=200,
            also=("对方名称", "对方单位名称", "对方账户名称", "对方单位", "对方户名称"),
        ),
        Column(
            "counterparty_account",
            "对方账号",
            "counterparty_account",
            max_length=40,
            also=("对方账户", "对方帐号"),
        ),
        Column("memo", "摘要", "memo", max_length=500, multi=True, also=("用途", "附言", "交易附言", "备注")),
        Column(
            "reference",
            "流水号",
            "reference",
            max_length=100,
            also=("交易流水号", "银行流水号", "交易参考号"),
        ),
        CURRENCY_COL,
    ),
)

SPECS: dict[str, KindSpec] = {s.kind: s for s in (CUSTOMERS, CONTACTS, RECEIVABLES, INVOICES, PAYMENTS, BANK)}
KINDS = tuple(SPECS)
