"""The accounts registry as other areas see it: ``SqlAccountLookup`` (the ``"accounts"`` port).

Payment documents read the accounts' numbers (ЕЛС, account number) through ``cards``
(``hub.services.ports.AccountCardLookup``); an Excel upload of ПД finds an organization's
accounts by those numbers through ``guids_by_keys`` (``hub.services.ports.AccountKeyLookup``).

Metering devices check the AccountGUIDs a device is linked to through
``hub.services.ports.AccountLookup`` and never import this package; the registry hands them
``SqlAccountLookup(conn)``, bound to their own transaction.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import Connection, select

from hub.areas.accounts.tables import account_accommodations, accounts
from hub.services.ports import AccountCard, AccountRef
from hub.store import bulk


class SqlAccountLookup:
    """``AccountLookup`` on the caller's connection: two indexed queries for any number of GUIDs."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def find_many(self, guids: Collection[str]) -> dict[str, AccountRef]:
        return {
            guid: AccountRef(card.guid, card.org_id, card.house_guids, card.closed)
            for guid, card in self.cards(guids).items()
        }

    def cards(self, guids: Collection[str]) -> dict[str, AccountCard]:
        """``AccountCardLookup``: the same two queries, with the ЕЛС and the account number."""
        keys = sorted({guid.strip().lower() for guid in guids})
        if not keys:
            return {}
        columns = (
            accounts.c.id,
            accounts.c.guid,
            accounts.c.org_id,
            accounts.c.close_date,
            accounts.c.unified_number,
            accounts.c.account_number,
        )
        rows = self.conn.execute(select(*columns).where(bulk.one_of(self.conn, accounts.c.guid, keys))).all()
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
            row.guid: AccountCard(
                row.guid,
                row.org_id,
                row.unified_number,
                row.account_number,
                frozenset(houses[row.id]),
                row.close_date is not None,
            )
            for row in rows
        }

    def guids_by_keys(self, org_id: int, keys: Collection[tuple[str, str]]) -> dict[tuple[str, str], str]:
        """``AccountKeyLookup``: one indexed query per kind of key (ЕЛС is unique, the account
        number unique per organization), only ``org_id``'s own accounts."""
        found: dict[tuple[str, str], str] = {}
        for kind, column in (("unified", accounts.c.unified_number), ("number", accounts.c.account_number)):
            values = sorted({value.strip() for key, value in keys if key == kind})
            if not values:
                continue
            query = select(column, accounts.c.guid).where(
                accounts.c.org_id == org_id, bulk.one_of(self.conn, column, values)
            )
            found.update({(kind, str(value)): str(guid) for value, guid in self.conn.execute(query)})
        return found
