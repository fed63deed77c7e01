"""`self-test --profile P` for a profile that signs through OpenBao: the sign-in, the policy, and one
test token signed by Transit and verified here against the public key OpenBao gives."""

from __future__ import annotations

from dataclasses import dataclass

import jwt
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from app.core.errors import CredentialError, Problem
from app.core.signing.openbao import TransitSigner
from app.core.signing.openbao_session import OpenBaoSession, SignInStatus
from app.core.signing.tokens import TokenMinter, TokenSpec


@dataclass(frozen=True, slots=True)
class SigningCheck:
    """What works: who is signed in, the path that signed, and the size of the key that verified it."""

    status: SignInStatus
    sign_path: str
    key_bits: int


async def check_openbao_signing(session: OpenBaoSession, spec: TokenSpec) -> SigningCheck:
    """Signs one test token through `session` and verifies it; raises the panel's error saying what
    does not work. Closes the session."""
    try:
        status = await session.status()
        if status.problem is not None:
            raise status.problem
        signer = TransitSigner(session)
        token = await TokenMinter(signer, spec).mint()  # the policy lets it sign, or says why not
        public_pem = await session.api.public_key_pem(await session.token())
    finally:
        await session.aclose()
    public_key = load_pem_public_key(public_pem.encode())
    if not isinstance(public_key, RSAPublicKey):
        raise CredentialError(Problem.OPENBAO_KEY_NOT_RSA, key=session.settings.key)
    try:
        jwt.decode(token.token, public_key, algorithms=["RS256"], audience=spec.audience, issuer=spec.issuer)
    except jwt.PyJWTError as error:
        raise CredentialError(Problem.OPENBAO_SIGNATURE_MISMATCH, error=type(error).__name__) from None
    return SigningCheck(status, session.settings.sign_path, public_key.key_size)
