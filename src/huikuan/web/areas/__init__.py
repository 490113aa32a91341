"""Web areas, one package each (views, urls, templates under templates/web/<area>/).

Each area's ``__init__`` may declare ``NAV_ITEM = (url_name, label, roles)`` where roles is a set of
role codes that see the menu entry (empty = everybody).
"""

AREAS = (
    "today",
    "customers",
    "contracts",
    "meetings",
    "promises",
    "sanctions",
    "approvals",
    "dashboards",
    "targets",
    "claims",
    "imports",
)
