"""A Salesforce directory in the window: the saved copy at once, then the refresh over real
HTTP from the simulator, its freshness in words, and a failed refresh keeping the copy."""

from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from app.compose import open_profile_services
from app.core.credentials import CredentialsDesk
from app.core.directory.cache import CachedDirectory, cache_path, save_directory
from app.core.secrets import SecretPurpose, SecretStore
from app.simulator.faults import Fault
from app.simulator.salesforce import SalesforceApi
from app.simulator.server import Simulator
from app.ui.common.i18n import clock, date_and_time
from app.ui.directory.refresher import as_of_text
from tests.conftest import CALL_CENTER, ORG_ID, make_profile
from tests.keyrings import MemoryKeyring


@pytest.fixture
def org(rsa_key):
    api_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    api = SalesforceApi(public_key=api_key.public_key(), consumer_key="ck", username="u", size=2000, page_size=500)
    with Simulator(public_keys=[rsa_key.public_key()], org_id=ORG_ID, call_center=CALL_CENTER,
                   salesforce=api) as simulator:
        yield simulator, api, api_key


def services_for(org, tmp_path, arun):
    """The profile's services as the composition root builds them: its API key in a keyring, its
    offline copy where the panel keeps it."""
    simulator, api, api_key = org
    profile = make_profile(simulator.base_url, directory_source="salesforce", salesforce_login_url=api.login_url,
                           salesforce_consumer_key="ck", salesforce_username="u")
    store = SecretStore(backend=MemoryKeyring())
    credentials = CredentialsDesk(lambda: store)
    pem = api_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    credentials.store_key(profile.name, pem, None, SecretPurpose.SALESFORCE_API)
    return arun(open_profile_services(profile, journal_path=tmp_path / "journal.sqlite3", credentials=credentials))


def test_the_saved_copy_shows_first_then_the_refresh_replaces_it(qtbot, open_panel, arun, org, tmp_path):
    _simulator, api, _ = org
    yesterday = datetime.now(UTC) - timedelta(days=1)
    saved = [t for t in api.targets if t.kind.value == "queue"][:3]
    save_directory(cache_path("test"), CachedDirectory(saved, yesterday, "salesforce"))
    services = services_for(org, tmp_path, arun)
    assert services.directory_as_of == yesterday and len(services.directory) == 3

    api.script_fault(Fault(delay_s=1.0), "query")  # the refresh takes a moment: the copy shows meanwhile
    window = open_panel(services)
    freshness = window.directory.freshness
    assert window.directory.model.total_rows() == 3
    assert freshness.text().startswith(f"As of {date_and_time(yesterday.astimezone())}")
    assert "refreshing" in freshness.text()
    qtbot.waitUntil(lambda: window.directory.model.total_rows() > 1000, timeout=15_000)
    qtbot.waitUntil(lambda: freshness.text().startswith("As of ") and "API calls used today" in freshness.text())
    assert freshness.isVisible() and "Salesforce" in freshness.text()
    window.directory.search.setText(saved[0].label)
    assert window.directory.model.view(0).name == saved[0].label


def test_a_failed_refresh_keeps_the_directory_and_says_why(qtbot, open_panel, arun, org, tmp_path):
    _simulator, api, _ = org
    api.script_fault(Fault(status=403, error_code="REQUEST_LIMIT_EXCEEDED", message="TotalRequests Limit exceeded."),
                     "query", times=None)
    window = open_panel(services_for(org, tmp_path, arun))
    freshness = window.directory.freshness
    qtbot.waitUntil(lambda: "Refresh failed" in freshness.text(), timeout=15_000)
    assert "used up its daily Salesforce API calls" in freshness.text()
    assert window.form.isEnabled()  # transfers by pasted ID still work


def test_as_of_text_says_the_time_today_and_the_date_otherwise():
    """In the window's locale (tests/ui/test_translations.py checks a German one)."""
    now = datetime(2026, 11, 24, 15, 0).astimezone()
    today, earlier = now.replace(hour=9, minute=42), now - timedelta(days=2)
    assert as_of_text(today, "Salesforce", now) == f"As of {clock(today)} · Salesforce"
    assert as_of_text(earlier, "team.csv", now) == f"As of {date_and_time(earlier)} · team.csv"
    assert date_and_time(earlier) != clock(earlier)


def test_refresh_progress_is_determinate_once_the_total_is_known(qtbot, panel):
    directory = panel.directory
    directory.set_progress(2000, None)
    assert directory.progress.isVisible() and directory.progress.maximum() == 0  # busy indicator
    directory.set_progress(4000, 83_761)
    assert (directory.progress.value(), directory.progress.maximum()) == (4000, 83_761)
    directory.set_progress(0, 0)
    assert not directory.progress.isVisible()
    assert "Offline" in directory.available_only.toolTip()  # the presence legend, in words
