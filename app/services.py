"""Building the core services from a profile: shared by the CLI and the window."""

from collections.abc import Callable
from pathlib import Path

from app.core.auth import TokenSigner, load_private_key
from app.core.journal import Journal, default_journal_path
from app.core.profile import Profile
from app.core.routing import RouteClient
from app.core.secrets import SecretStore
from app.core.transfer import TransferService


def keyring_signer_source(profile: Profile, store: SecretStore | None = None) -> Callable[[], TokenSigner]:
    """A loader that reads the profile's key from the OS keyring and parses it (blocking; call off the loop)."""

    def load() -> TokenSigner:
        secret = (store or SecretStore()).get_private_key(profile.name)
        key = load_private_key(secret.pem, secret.passphrase)
        return TokenSigner(key, issuer=profile.org_id, subject=profile.call_center)

    return load


def open_transfer_service(
    profile: Profile,
    signer_source: Callable[[], TokenSigner],
    journal_path: Path | None = None,
) -> TransferService:
    client = RouteClient(profile, signer_source)
    return TransferService(client, Journal(journal_path or default_journal_path()))
