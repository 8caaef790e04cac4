"""Houses with premises (МКД) by Excel over HTTP on both shapes: one house a message, each house
and premises row with its own result; the house's unique number and the premises GUIDs filled in."""

from __future__ import annotations

import uuid

from tests.e2e.harness import HubUnderTest
from tests.e2e.rest import get, token_for
from tests.uploads.workbooks import filled, result, statuses, template, upload

HOUSES, PREMISES = "Характеристики МКД", "Жилые помещения"


def codes(texts: list[str]) -> list[str]:
    return [t.split()[1] if t.startswith("Ошибка:") else t for t in texts]


def test_houses_upload_creates_houses_and_premises(hut: HubUnderTest) -> None:
    token = token_for(hut, "a")
    first, second = str(uuid.uuid4()), str(uuid.uuid4())
    houses = [
        (1, first, None, 3520.45, "2", 1977, 9, 1, "45380000", "2", "нет"),
        (2, second, "77:01:0001001:1001", 1200, "2", 1990, 5, 0, None, "2", "нет"),
        (3, str(uuid.uuid4()), None, 800, "2", "давно", 5, 0, None, "2", "нет"),  # bad year
    ]
    premises = [
        (1, "1", 1, None, "1", 64.2, 41.8),
        (1, "2", 1, None, "1", 54.3, None),
        (2, "1", None, None, None, 40, 30),
        (3, "1", 1, None, "1", 40, 30),
        (9, "1", 1, None, "1", 40, 30),  # no house 9
    ]
    status = upload(hut, token, filled(template(hut, token, "houses"), {HOUSES: houses, PREMISES: premises}))
    assert (status["rows_total"], status["rows_done"], status["rows_failed"]) == (3, 2, 1)
    assert len(status["message_guids"]) == 2  # one house a message
    _name, book = result(hut, token, status["upload_id"])
    assert codes(statuses(book, HOUSES)) == ["Обработано", "Обработано", "FMT916009"]
    assert codes(statuses(book, PREMISES))[:3] == ["Обработано"] * 3
    assert codes(statuses(book, PREMISES))[3:] == ["FMT916009", "FMT916009"]  # its house refused; no house 9
    sheet = book[PREMISES]
    placed = [sheet[f"H{r}"].value for r in (3, 4, 5)]
    assert all(placed) and book[HOUSES]["L3"].value

    stored = get(hut, f"/houses/{first}", token).json()
    assert sorted(p["premises_guid"] for p in stored["premises"]) == sorted(placed[:2])
