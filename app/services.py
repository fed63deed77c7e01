"""Building the core services from a profile: shared by the CLI and the window."""

from collections.abc import Callable
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

from app.core.journal import Journal, default_journal_path
from app.core.profile import Profile
from app.core.routing import RouteClient
from app.core.secrets import SecretPurpose, SecretStore
from app.core.signing import TokenMinter, TokenSpec
from app.core.signing.keys import load_private_key
from app.core.signing.rsa_key import RsaKeySigner
from app.core.transfer import TransferService


def keyring_key_source(profile: Profile, purpose: SecretPurpose = SecretPurpose.SCRT,
                       store: SecretStore | None = None) -> Callable[[], RSAPrivateKey]:
    """A loader that reads one of the profile's keys from the OS keyring and parses it
    (blocking, and parsing costs up to ~270 ms: a signer calls it once, off the event loop)."""

    def load() -> RSAPrivateKey:
        secret = (store or SecretStore()).get_private_key(profile.name, purpose)
        return load_private_key(secret.pem, secret.passphrase)

    return load


def scrt_spec(profile: Profile) -> TokenSpec:
    """The SCRT route's bearer tokens: the org ID issues them for the Call Center."""
    return TokenSpec(issuer=profile.org_id, subject=profile.call_center)


def keyring_minter(profile: Profile, store: SecretStore | None = None) -> TokenMinter:
    """The SCRT tokens of a profile, signed with its key from the OS keyring."""
    return TokenMinter(RsaKeySigner(keyring_key_source(profile, SecretPurpose.SCRT, store)), scrt_spec(profile))


def sample_claims(spec: TokenSpec, key: RSAPrivateKey) -> dict[str, object]:
    """Sign one token with `key` and return only its claims: proof that the key works (blocking;
    the token itself is dropped here, never shown)."""
    import asyncio

    async def mint() -> dict[str, object]:
        minter = TokenMinter(RsaKeySigner(lambda: key), spec)
        try:
            return (await minter.mint()).claims
        finally:
            await minter.aclose()

    return asyncio.run(mint())


def open_transfer_service(
    profile: Profile,
    minter: TokenMinter,
    journal_path: Path | None = None,
) -> TransferService:
    client = RouteClient(profile, minter)
    return TransferService(client, Journal(journal_path or default_journal_path()))
