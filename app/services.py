"""Building the core services from a profile: shared by the CLI and the window."""

from collections.abc import Callable
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

from app.core.auth import TokenSigner, load_private_key
from app.core.journal import Journal, default_journal_path
from app.core.profile import Profile
from app.core.routing import RouteClient
from app.core.secrets import SecretPurpose, SecretStore
from app.core.transfer import TransferService


def keyring_key_source(profile: Profile, purpose: SecretPurpose = SecretPurpose.SCRT,
                       store: SecretStore | None = None) -> Callable[[], RSAPrivateKey]:
    """A loader that reads one of the profile's keys from the OS keyring and parses it
    (blocking, and parsing costs up to ~270 ms: call it once, off the event loop)."""

    def load() -> RSAPrivateKey:
        secret = (store or SecretStore()).get_private_key(profile.name, purpose)
        return load_private_key(secret.pem, secret.passphrase)

    return load


def scrt_signer(profile: Profile, key: RSAPrivateKey) -> TokenSigner:
    """Signs the SCRT route's bearer tokens: the org ID issues them for the Call Center."""
    return TokenSigner(key, issuer=profile.org_id, subject=profile.call_center)


def keyring_signer_source(profile: Profile, store: SecretStore | None = None) -> Callable[[], TokenSigner]:
    """A loader of the SCRT token signer, its key read from the OS keyring (blocking)."""
    load_key = keyring_key_source(profile, SecretPurpose.SCRT, store)
    return lambda: scrt_signer(profile, load_key())


def open_transfer_service(
    profile: Profile,
    signer_source: Callable[[], TokenSigner],
    journal_path: Path | None = None,
) -> TransferService:
    client = RouteClient(profile, signer_source)
    return TransferService(client, Journal(journal_path or default_journal_path()))
