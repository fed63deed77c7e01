"""Short named secrets of a profile (an OpenBao token): one keyring entry each, never a file."""

import uuid

import pytest

from app.core.errors import CredentialError, Problem
from app.core.secrets import SERVICE, PrivateKeySecret, SecretName, SecretStore
from tests.conftest import raises, require_real_keyring
from tests.keyrings import MemoryKeyring, WindowsLimitKeyring, secret_tool, stored_usernames


def test_set_get_delete_round_trip_beside_the_profiles_key(rsa_key):
    backend = MemoryKeyring()
    store = SecretStore(backend=backend)
    store.set_private_key("emea", PrivateKeySecret("not a real pem"))
    store.set_secret("emea", SecretName.OPENBAO_TOKEN, "s.abc")
    assert store.get_secret("emea", SecretName.OPENBAO_TOKEN) == "s.abc"
    assert store.get_secret("amer", SecretName.OPENBAO_TOKEN) is None
    assert store.delete_secret("emea", SecretName.OPENBAO_TOKEN) is True
    assert store.delete_secret("emea", SecretName.OPENBAO_TOKEN) is False
    assert store.get_secret("emea", SecretName.OPENBAO_TOKEN) is None
    assert store.get_private_key("emea").pem == "not a real pem"  # the key is a different entry


def test_the_longest_secret_fits_windows_credential_manager():
    store = SecretStore(backend=WindowsLimitKeyring())
    store.set_secret("emea", SecretName.OPENBAO_TOKEN, "x" * 1000)
    assert store.get_secret("emea", SecretName.OPENBAO_TOKEN) == "x" * 1000


@pytest.mark.parametrize("value", ["", "x" * 1001, "line\nbreak", "naïve"])
def test_unfit_values_are_refused_without_quoting_them(value):
    with raises(CredentialError, match="empty, too long or not plain text") as raised:
        SecretStore(backend=MemoryKeyring()).set_secret("emea", SecretName.OPENBAO_TOKEN, value)
    assert raised.value.code is Problem.SECRET_UNFIT
    assert value not in raised.value.params.values() or not value


def test_only_known_secret_names_are_entries():
    with pytest.raises(ValueError):  # a bug, not input: names are a closed set
        SecretStore(backend=MemoryKeyring()).get_secret("emea", "../scrt/manifest")  # type: ignore[arg-type]


@pytest.mark.real_keyring
def test_real_secret_service_holds_the_token_as_one_entry():
    require_real_keyring()
    store = SecretStore()
    profile = f"test-{uuid.uuid4().hex[:10]}"
    try:
        store.set_secret(profile, SecretName.OPENBAO_TOKEN, "s.real-keyring-token")
        value, _ = secret_tool("lookup", "service", SERVICE, "username", f"{profile}/secret/openbao-token")
        assert value == "s.real-keyring-token"
        assert {n for n in stored_usernames(SERVICE) if n.startswith(profile + "/")} == {
            f"{profile}/secret/openbao-token"}
    finally:
        store.delete_secret(profile, SecretName.OPENBAO_TOKEN)
    assert not any(name.startswith(profile + "/") for name in stored_usernames(SERVICE))
