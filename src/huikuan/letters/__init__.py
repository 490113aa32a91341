"""Letters (对账确认函, 催款函, 付款计划确认书, 律师函), the clause library and the evidence bundle.

Data builders read the ledger into plain dicts (`builders`), docxtpl renders them with templates a
company may override in ``var/templates/`` (`render`), and every generated letter becomes a
`Document` with an audit entry (`records`); delivery and stamped return are recorded there too, so
the limitation clock and readiness see them.
"""
