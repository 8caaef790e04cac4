"""The operator page in a real headless Chromium (Debian's ``chromium``, driven by Playwright
through ``executable_path``: no browser download): sign in with a token, find a message, open its
errors, download its XML; another organization cannot open it; houses and accounts are listed.

One shape (embedded): the page reads through the same ports as ``/api/v1``, whose visibility
rules are tested on both shapes in test_rest_*; what this adds is the browser.
``HUB_SCREENSHOTS=docs/img`` writes the README's screenshots there (messages.png, message.png).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree

from testkit.accounts import Acc, import_request
from testkit.answers import ack_guids
from testkit.messages import signed
from tests.e2e.harness import HubUnderTest, running_hub
from tests.e2e.rest import token_for

playwright = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def page_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubUnderTest]:
    with running_hub("embedded", tmp_path_factory.mktemp("page")) as running:
        yield running


def failing_accounts(hut: HubUnderTest) -> str:
    """A signed importAccountData whose 2 accounts point at premises nobody placed; its MessageGUID."""
    org = hut.orgs["a"]
    places = [Acc(places=[("PremisesGUID", str(uuid.uuid4()), "100")]) for _ in range(2)]
    body = etree.tostring(import_request(places), encoding="unicode")
    response = hut.post(signed(body, org.identity, org.ppaguid), soap_action="urn:importAccountData")
    message_guid, _ = ack_guids(response.content)
    hut.poll(message_guid, org)
    return message_guid


def shoot(page: object, name: str, tmp_path: Path) -> None:
    folder = Path(os.environ.get("HUB_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / name), full_page=True)  # type: ignore[attr-defined]


def test_sign_in_find_a_message_and_open_its_errors(page_hub: HubUnderTest, browser: object, tmp_path: Path) -> None:
    message_guid = failing_accounts(page_hub)
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="ru-RU")  # type: ignore[attr-defined]
    page = context.new_page()
    base = page_hub.base_url + "/ui"

    page.goto(base + "/")
    assert page.url.endswith("/ui/login")
    page.fill("#token", "zhkh_wrong")
    page.click("#sign-in")
    assert "Не пройдена аутентификация" in page.inner_text("[role=alert]")

    page.fill("#token", token_for(page_hub, "a"))
    page.click("#sign-in")
    assert page.url.endswith("/ui/messages")
    page.fill("#operation", "importAccountData")
    page.select_option("#source", "soap")
    page.click("#filter")
    assert message_guid in page.inner_text("#messages")
    shoot(page, "messages.png", tmp_path)

    page.click(f"text={message_guid}")
    assert page.inner_text("#state") == "обработано"
    assert page.inner_text("#failed") == "2"
    errors = page.locator(".object-error").all_inner_texts()
    assert len(errors) == 2 and all(text.split()[0].startswith(("INT", "AUT", "FMT")) for text in errors)
    shoot(page, "message.png", tmp_path)

    with page.expect_download() as download:
        page.click("#download-request")
    saved = tmp_path / "request.xml"
    download.value.save_as(saved)
    assert b"importAccountRequest" in saved.read_bytes() and b"SignatureValue" in saved.read_bytes()

    page.click("text=Лицевые счета")
    assert page.locator("#accounts").is_visible()
    page.click("text=Дома")
    assert page.locator("#houses").is_visible()
    context.close()


def test_another_organization_cannot_open_the_message(page_hub: HubUnderTest, browser: object) -> None:
    message_guid = failing_accounts(page_hub)
    context = browser.new_context()  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(page_hub.base_url + "/ui/login")
    page.fill("#token", token_for(page_hub, "b"))
    page.click("#sign-in")
    assert message_guid not in page.inner_text("#messages")
    answer = page.goto(f"{page_hub.base_url}/ui/messages/{message_guid}")
    assert answer is not None and answer.status == 404
    assert page.request.get(f"{page_hub.base_url}/ui/messages/{message_guid}/request.xml").status == 404
    context.close()
