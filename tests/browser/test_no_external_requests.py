"""The closed network of conftest's `new_context` really catches outside loads.

Every browser test runs behind it: a context's teardown fails the test if any page
tried to load from another host, and test_accessibility checks it explicitly on
every page it visits. These tests prove the guard is not vacuous.
"""

import pytest
from playwright.sync_api import Error

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OUTSIDE = "https://cdn.example/"


def test_a_request_to_another_host_is_blocked_and_recorded(page, external_requests):
    page.goto("/")
    with pytest.raises(Error, match="ERR_BLOCKED_BY_CLIENT"):
        page.goto(f"{OUTSIDE}library.js")

    assert external_requests == [f"{OUTSIDE}library.js"]
    external_requests.clear()


def test_an_outside_asset_the_csp_blocks_is_recorded_too(page, external_requests):
    page.goto("/")
    with page.expect_console_message(lambda message: "Content Security Policy" in message.text):
        page.evaluate(
            """src => {
                const image = document.createElement("img");
                image.src = src;
                document.body.append(image);
            }""",
            f"{OUTSIDE}pixel.png",
        )

    assert len(external_requests) == 1
    assert external_requests[0].startswith("CSP: ")
    assert f"{OUTSIDE}pixel.png" in external_requests[0]
    external_requests.clear()
