"""The keyring store: chunking under Windows' blob limit, cut-off writes, clear errors, and
the real SecretService read back with `secret-tool`."""

import json
import uuid

import keyring.errors
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from keyring.backends import fail, null

from app.core.errors import CredentialError
from app.core.secrets import (
    SERVICE,
    KeyringLockedError,
    NoKeyringError,
    PrivateKeySecret,
    SecretCorruptError,
    SecretMissingError,
    SecretPurpose,
    SecretStore,
)
from app.core.signing.keys import load_private_key
from tests.conftest import raises, require_real_keyring, text
from tests.keyrings import (
    CutOffKeyring,
    LockedKeyring,
    MemoryKeyring,
    WindowsLimitKeyring,
    secret_tool,
    stored_usernames,
)


def pem_of(key, passphrase: str | None = None) -> str:
    encryption = (serialization.BestAvailableEncryption(passphrase.encode()) if passphrase
                  else serialization.NoEncryption())
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             encryption).decode()


@pytest.fixture(scope="module")
def key_4096():
    return rsa.generate_private_key(public_exponent=65537, key_size=4096)


def test_windows_limit_refuses_one_blob_but_a_4096_bit_key_with_passphrase_round_trips(key_4096):
    backend = WindowsLimitKeyring()
    passphrase = "pässwörd-🔑-" + "x" * 200  # non-ASCII and astral: UTF-16 surrogate pairs
    pem = pem_of(key_4096, passphrase)
    assert len(pem) > 3000
    with pytest.raises(keyring.errors.PasswordSetError):  # the limit is real: the whole PEM would not fit
        backend.set_password(SERVICE, "whole", pem)

    store = SecretStore(backend=backend)
    store.set_private_key("emea", PrivateKeySecret(pem, passphrase))

    secret = store.get_private_key("emea")
    assert (secret.pem, secret.passphrase) == (pem, passphrase)
    assert load_private_key(secret.pem, secret.passphrase).key_size == 4096
    parts = [name for (_, name) in backend.entries if "/part-" in name]
    assert len(parts) >= 4  # split, each part under the limit (the backend enforced it)


def test_secret_repr_never_shows_the_key_or_passphrase(rsa_key):
    secret = PrivateKeySecret(pem_of(rsa_key), "hunter2")
    assert "PRIVATE KEY" not in repr(secret) and "hunter2" not in repr(secret)


def test_overwrite_replaces_parts_and_leaves_no_orphans(rsa_key, key_4096):
    backend = MemoryKeyring()
    store = SecretStore(backend=backend)
    store.set_private_key("emea", PrivateKeySecret(pem_of(key_4096)))
    store.set_private_key("emea", PrivateKeySecret(pem_of(rsa_key)))
    assert store.get_private_key("emea").pem == pem_of(rsa_key)
    manifest = json.loads(backend.entries[(SERVICE, "emea/scrt/manifest")])
    parts = sorted(name for (_, name) in backend.entries if "/part-" in name)
    assert parts == [f"emea/scrt/part-{manifest['generation']}-{i}" for i in range(manifest["count"])]


@pytest.mark.parametrize("writes_left", [0, 1, 2, 3])
def test_a_write_cut_off_half_way_keeps_the_previous_key_usable(rsa_key, key_4096, writes_left):
    backend = CutOffKeyring(writes_left=100)
    store = SecretStore(backend=backend)
    store.set_private_key("emea", PrivateKeySecret(pem_of(rsa_key)))

    backend.writes_left = writes_left  # the 4096-bit key needs 4+ parts, then the manifest
    with raises(CredentialError, match="could not store"):
        store.set_private_key("emea", PrivateKeySecret(pem_of(key_4096)))
    assert store.get_private_key("emea").pem == pem_of(rsa_key)

    backend.writes_left = 100  # storing again after the failure works and cleans up
    store.set_private_key("emea", PrivateKeySecret(pem_of(key_4096)))
    assert store.get_private_key("emea").pem == pem_of(key_4096)


def test_a_first_write_cut_off_leaves_nothing_that_looks_stored(rsa_key):
    store = SecretStore(backend=CutOffKeyring(writes_left=1))
    with raises(CredentialError, match="could not store"):
        store.set_private_key("emea", PrivateKeySecret(pem_of(rsa_key)))
    assert not store.has_private_key("emea")
    with raises(SecretMissingError, match="credentials set --profile emea"):
        store.get_private_key("emea")


@pytest.mark.parametrize("damage", ["drop-part", "alter-part", "bad-manifest", "short-manifest"])
def test_damaged_sets_are_reported_corrupt_never_used(key_4096, damage):
    backend = MemoryKeyring()
    store = SecretStore(backend=backend)
    store.set_private_key("emea", PrivateKeySecret(pem_of(key_4096)))
    manifest_name = (SERVICE, "emea/scrt/manifest")
    manifest = json.loads(backend.entries[manifest_name])
    first_part = (SERVICE, f"emea/scrt/part-{manifest['generation']}-1")
    if damage == "drop-part":
        del backend.entries[first_part]
    elif damage == "alter-part":
        backend.entries[first_part] = backend.entries[first_part][::-1]
    elif damage == "bad-manifest":
        backend.entries[manifest_name] = "{not json"
    else:
        backend.entries[manifest_name] = json.dumps(manifest | {"count": manifest["count"] - 1})

    with pytest.raises(SecretCorruptError) as error:
        store.get_private_key("emea")
    message = text(error.value)
    assert "damaged" in message and "credentials set --profile emea" in message
    assert "PRIVATE" not in message and backend.entries.get(first_part, "x")[:20] not in message


def damage_manifest(store: SecretStore, profile: str) -> None:
    """Writes a manifest that cannot be read, through the store's own backend (a real one too)."""
    store._backend.set_password(SERVICE, f"{profile}/scrt/manifest", "{not json")


@pytest.mark.parametrize("repair", ["store-again", "delete"])
def test_a_damaged_set_is_repaired_by_storing_again_or_deleting_and_leaves_no_part(rsa_key, key_4096, repair):
    # The corrupt message tells the rep to store the key again: that must work, not fail the same way.
    backend = MemoryKeyring()
    store = SecretStore(backend=backend)
    for _ in range(3):  # a few replacements: the damaged set's parts are not generation 1
        store.set_private_key("emea", PrivateKeySecret(pem_of(key_4096)))
    damage_manifest(store, "emea")
    with pytest.raises(SecretCorruptError):
        store.get_private_key("emea")

    if repair == "store-again":
        store.set_private_key("emea", PrivateKeySecret(pem_of(rsa_key)))
        assert store.get_private_key("emea").pem == pem_of(rsa_key)
        manifest = json.loads(backend.entries[(SERVICE, "emea/scrt/manifest")])
        kept = {f"emea/scrt/part-{manifest['generation']}-{i}" for i in range(manifest["count"])}
    else:
        assert store.delete_private_key("emea")
        assert not store.has_private_key("emea")
        kept = set()
    assert {name for (_, name) in backend.entries if "/part-" in name} == kept


@pytest.mark.real_keyring
def test_real_keyring_damaged_set_deleted_leaves_no_entry(key_4096):
    require_real_keyring()
    store = SecretStore()
    profile = f"test-{uuid.uuid4().hex[:10]}"
    try:
        store.set_private_key(profile, PrivateKeySecret(pem_of(key_4096)))
        damage_manifest(store, profile)
        with pytest.raises(SecretCorruptError):
            store.get_private_key(profile)
        assert store.delete_private_key(profile)
    finally:
        remaining = {name for name in stored_usernames(SERVICE) if name.startswith(profile + "/")}
    assert remaining == set()


def test_purposes_are_kept_apart(rsa_key, key_4096):
    store = SecretStore(backend=MemoryKeyring())
    store.set_private_key("emea", PrivateKeySecret(pem_of(rsa_key)))
    store.set_private_key("emea", PrivateKeySecret(pem_of(key_4096)), SecretPurpose.SALESFORCE_API)
    assert store.get_private_key("emea").pem == pem_of(rsa_key)
    assert store.get_private_key("emea", SecretPurpose.SALESFORCE_API).pem == pem_of(key_4096)
    assert store.delete_private_key("emea")
    assert not store.delete_private_key("emea")
    assert store.has_private_key("emea", SecretPurpose.SALESFORCE_API)


@pytest.mark.parametrize("backend", [fail.Keyring(), null.Keyring()], ids=["fail", "null"])
def test_no_keyring_is_an_error_never_a_fallback(rsa_key, backend):
    store = SecretStore(backend=backend)
    assert not store.available
    for action in (lambda: store.set_private_key("emea", PrivateKeySecret(pem_of(rsa_key))),
                   lambda: store.get_private_key("emea"), lambda: store.has_private_key("emea")):
        with raises(NoKeyringError, match="never stored in plain files"):
            action()


def test_locked_keyring_says_unlock_it():
    with raises(KeyringLockedError, match="locked. Unlock it"):
        SecretStore(backend=LockedKeyring()).get_private_key("emea")


@pytest.mark.real_keyring
def test_real_secret_service_round_trip_read_back_with_secret_tool(key_4096):
    require_real_keyring()
    store = SecretStore()
    profile = f"test-{uuid.uuid4().hex[:10]}"
    pem = pem_of(key_4096, "phrase")
    try:
        store.set_private_key(profile, PrivateKeySecret(pem, "phrase"))
        names = {name for name in stored_usernames(SERVICE) if name.startswith(profile + "/")}
        manifest_text, _ = secret_tool("lookup", "service", SERVICE,
                                       "username", f"{profile}/scrt/manifest")
        manifest = json.loads(manifest_text)
        assert names == {f"{profile}/scrt/manifest"} | {
            f"{profile}/scrt/part-{manifest['generation']}-{i}" for i in range(manifest["count"])}
        assert store.get_private_key(profile).pem == pem
    finally:
        store.delete_private_key(profile)
    assert not any(name.startswith(profile + "/") for name in stored_usernames(SERVICE))
