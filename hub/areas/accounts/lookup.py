"""The accounts registry as other areas see it: ``SqlAccountLookup`` (the ``"accounts"`` port).

Metering devices check the AccountGUIDs a device is linked to through
``hub.services.ports.AccountLookup`` and never import this package; the registry hands them
``SqlAccountLookup(conn)``, bound to their own transaction.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import Connection, select

from hub.areas.accounts.tables import account_accommodations, accounts
from hub.services.ports import AccountRef
from hub.store import bulk


class SqlAccountLookup:
    """``AccountLookup`` on the caller's connection: two indexed queries for any number of GUIDs."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def find_many(self, guids: Collection[str]) -> dict[str, AccountRef]:
        keys = sorted({guid.strip().lower() for guid in guids})
        if not keys:
            return {}
        rows = self.conn.execute(
            select(accounts.c.id, accounts.c.guid, accounts.c.org_id, accounts.c.close_date).where(
                bulk.one_of(self.conn, accounts.c.guid, keys)
            )
        ).all()
        if not rows:
            return {}
        houses: dict[int, set[str]] = {row.id: set() for row in rows}
        places = select(account_accommodations.c.account_id, account_accommodations.c.house_guid).where(
            bulk.one_of(self.conn, account_accommodations.c.account_id, list(houses))
        )
        for place in self.conn.execute(places):
            if place.house_guid:
                houses[place.account_id].add(place.house_guid)
        return {
            row.guid: AccountRef(row.guid, row.org_id, frozenset(houses[row.id]), row.close_date is not None)
            for row in rows
        }
