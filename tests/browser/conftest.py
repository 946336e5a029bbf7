"""Shared machinery for the browser tests: one system Chromium per session, a fresh
context and page per test, a closed network, demo data, logging in and axe-core."""

import os

# The live server and the ORM are used from the test's thread while sync Playwright
# runs an event loop in it; Django would otherwise refuse the ORM calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import io
import shutil
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django.test import override_settings
from playwright.sync_api import sync_playwright

from core.management.commands.seed_demo import DEMO_PASSWORD

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
NO_CHROMIUM = (
    "Chromium not found: install Debian's chromium package (apt-get install chromium) "
    "to run the browser tests"
)
# The quick exit's destination, answered locally: the network is closed.
NEUTRAL_SITE = "https://www.weather.gov/"
NEUTRAL_PAGE = "<title>Weather</title><p>neutral</p>"

AXE = Axe()


@pytest.fixture(scope="session")
def browser():
    executable = shutil.which("chromium")
    if executable is None:
        if os.environ.get("HEARTH_REQUIRE_BROWSER") == "1":
            pytest.fail(NO_CHROMIUM)
        pytest.skip(NO_CHROMIUM)
    with sync_playwright() as playwright:
        # Playwright turns the pop-up blocker off; people have it on (the quick exit's new tab).
        browser = playwright.chromium.launch(
            executable_path=executable,
            args=CHROMIUM_ARGS,
            ignore_default_args=["--disable-popup-blocking"],
        )
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def external_requests():
    """What any page of the test tried to load from somewhere other than Hearth.

    Requests to another host are aborted by the context's route and listed here;
    loads the Content-Security-Policy blocked before they reached the network are
    listed too, so an outside asset cannot hide behind the CSP.
    """
    return []


@pytest.fixture
def new_context(browser, live_server, external_requests):
    """Make a browser context on the live server whose network stops at Hearth."""
    hearth = urlsplit(live_server.url).netloc
    contexts = []

    def block_other_hosts(route):
        if urlsplit(route.request.url).netloc == hearth:
            route.continue_()
        else:
            external_requests.append(route.request.url)
            route.abort("blockedbyclient")

    def record_csp_violation(message):
        if "Content Security Policy" in message.text:
            external_requests.append(f"CSP: {message.text}")

    def make(**options):
        context = browser.new_context(base_url=live_server.url, **options)
        # The most recently added route is tried first: the neutral site wins.
        context.route("**/*", block_other_hosts)
        context.route(
            f"{NEUTRAL_SITE}**",
            lambda route: route.fulfill(status=200, content_type="text/html", body=NEUTRAL_PAGE),
        )
        context.on("console", record_csp_violation)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
    assert_no_external_requests(external_requests)


@pytest.fixture
def page(new_context):
    return new_context().new_page()


def assert_no_external_requests(external_requests):
    assert not external_requests, "Pages tried to load from another host:\n" + "\n".join(
        external_requests
    )


@pytest.fixture
def demo_data(transactional_db):
    """The seven demo organizations and their coordinators, whose emails are verified
    and whose password is DEMO_PASSWORD (seed_demo runs only in DEBUG)."""
    with override_settings(DEBUG=True):
        call_command("seed_demo", stdout=io.StringIO())


def log_in(page, email, password=DEMO_PASSWORD, language_prefix=""):
    """Log in through the real login form; lands on the profile page."""
    page.goto(f"{language_prefix}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")
    assert urlsplit(page.url).path == f"{language_prefix}/me/", f"Login failed at {page.url}"


def assert_accessible(page):
    """Fail on any axe-core violation, naming each rule, its impact and the elements."""
    report = []
    for violation in AXE.run(page).response["violations"]:
        report.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            report.append(f"    {', '.join(map(str, node['target']))}: {node['html']}")
    if report:
        pytest.fail(f"axe-core violations on {page.url}:\n" + "\n".join(report))
