"""What the accounts area registers: importAccountData, exportAccountData and its tables.

It needs the ``housing`` port (provided by the houses area) to place accounts in houses,
premises and rooms; it never imports that area. It provides the ``accounts`` port
(``AccountLookup``): metering devices check their AccountGUIDs through it.
"""

from __future__ import annotations

from hub import ns
from hub.contract.registry import HOME_MANAGEMENT, Area, Operation, RequestLimit

AREA = Area(
    name="accounts",
    operations=(
        Operation(
            HOME_MANAGEMENT,
            "importAccountData",
            ns.HOUSE_MANAGEMENT,
            "importAccountRequest",
            ("10.0.1.1",),
            result_element="ImportResult",
            result_version="10.0.1.1",
            limits=(RequestLimit(ns.qname(ns.HOUSE_MANAGEMENT, "Account"), 100),),
            handler="hub.areas.accounts.handlers:import_handler",
            sample="import-account.xml",
        ),
        Operation(
            HOME_MANAGEMENT,
            "exportAccountData",
            ns.HOUSE_MANAGEMENT,
            "exportAccountRequest",
            ("10.0.1.1",),
            result_element="exportAccountResult",
            limits=(
                RequestLimit(ns.qname(ns.HOUSE_MANAGEMENT, "AccountGUID"), 1000),
                RequestLimit(ns.qname(ns.ACCOUNT_BASE, "UnifiedAccountNumber"), 1000),
                RequestLimit(ns.qname(ns.ACCOUNT_BASE, "ServiceID"), 1000),
            ),
            handler="hub.areas.accounts.handlers:export_handler",
            sample="export-account.xml",
        ),
    ),
    tables="hub.areas.accounts.tables",
    # accounts as devices check them (hub.services.ports.AccountLookup) and as the REST API reads
    # them (hub.services.ports.ResourceReader)
    provides={
        "accounts": "hub.areas.accounts.lookup:SqlAccountLookup",
        "read:accounts": "hub.areas.accounts.reads:AccountReads",
    },
)
