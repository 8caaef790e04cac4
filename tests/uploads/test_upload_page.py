"""The upload form of the operator page in a real headless Chromium (Debian's ``chromium`` through
Playwright's ``executable_path``, as tests/e2e/test_operator_page.py): download a template from
the page, fill it, upload it on the page, watch the progress reload itself to the end, download
the result file. One shape (embedded): the rules behind the page are tested on both in this
package."""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

from testkit.uploads import ACCOUNTS_MAIN, AccountRecord, accounts_rows
from tests.accounts.test_e2e import new_house
from tests.e2e.harness import HubUnderTest, running_hub
from tests.e2e.rest import token_for
from tests.uploads.workbooks import filled, statuses

playwright = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def page_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubUnderTest]:
    with running_hub("embedded", tmp_path_factory.mktemp("upload-page")) as running:
        yield running


def test_upload_on_the_page_watch_progress_download_the_result(
    page_hub: HubUnderTest, browser: object, tmp_path: Path
) -> None:
    house = new_house(page_hub, page_hub.orgs["a"], 2)
    tag = uuid.uuid4().hex[:6]
    records = [
        AccountRecord(f"{tag}-1", house.premises[0]),
        AccountRecord(f"{tag}-2", house.premises[1], share="50"),
        AccountRecord(f"{tag}-3", str(uuid.uuid4())),  # no such premises
    ]
    context = browser.new_context(accept_downloads=True, locale="ru-RU")  # type: ignore[attr-defined]
    page = context.new_page()
    base = page_hub.base_url + "/ui"
    page.goto(base + "/login")
    page.fill("#token", token_for(page_hub, "a"))
    page.click("#sign-in")
    page.click("text=Загрузка Excel")
    assert page.url.endswith("/ui/uploads")

    with page.expect_download() as got:
        page.click("#templates >> text=Лицевые счета")
    blank = tmp_path / got.value.suggested_filename
    got.value.save_as(blank)
    assert blank.name == "Шаблон импорта ЛС-11.13.0.5.xlsx"
    mine = tmp_path / "ЛС мира 4а.xlsx"
    mine.write_bytes(filled(blank.read_bytes(), accounts_rows(records)))

    # a bad file first: the form answers with the code and the place
    wrong = tmp_path / "wrong.xlsx"
    wrong.write_bytes(b"not a workbook")
    page.set_input_files("#file", str(wrong))
    page.click("#upload")
    assert "FMT916001" in page.inner_text("#upload-error")

    page.set_input_files("#file", str(mine))
    page.click("#upload")
    assert "/ui/uploads/" in page.url
    assert page.inner_text("#rows-total") == "3"
    page.wait_for_function("document.querySelector('#upload-state').innerText === 'обработано'", timeout=30_000)
    assert (page.inner_text("#rows-done"), page.inner_text("#rows-failed")) == ("2", "1")
    assert page.get_attribute("#progress", "value") == "3"

    with page.expect_download() as got:
        page.click("#result")
    assert got.value.suggested_filename == "ЛС мира 4а__Результат.xlsx"
    saved = tmp_path / "result.xlsx"
    got.value.save_as(saved)
    book = load_workbook(io.BytesIO(saved.read_bytes()))
    result = statuses(book, ACCOUNTS_MAIN)
    assert result[:2] == ["Обработано", "Обработано"] and result[2].startswith("Ошибка: INT002034")
    context.close()
