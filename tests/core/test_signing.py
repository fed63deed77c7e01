import base64
import json
import time

import jwt
import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from app.core.errors import CredentialError
from app.core.signing import MAX_LIFETIME_S, SCRT_AUDIENCE, TokenSpec
from app.core.signing.keys import key_fingerprint, load_private_key
from tests.conftest import minter_for, raises, text

ORG = "00D5g00000DEMO1EAP"


def b64url_decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


@pytest.fixture(scope="module")
def key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def pem(key, fmt=serialization.PrivateFormat.PKCS8, password: bytes | None = None) -> str:
    encryption = serialization.BestAvailableEncryption(password) if password else serialization.NoEncryption()
    return key.private_bytes(serialization.Encoding.PEM, fmt, encryption).decode()


def mint(key, run, **spec):
    return run(minter_for(key, ORG, "HVCC", **spec).mint())


def test_token_signature_and_claims_verified_with_cryptography(key, run):
    before = int(time.time())
    minted = mint(key, run)
    header_b64, payload_b64, signature_b64 = minted.token.split(".")
    header = json.loads(b64url_decode(header_b64))
    claims = json.loads(b64url_decode(payload_b64))
    # RS256 = RSASSA-PKCS1-v1_5 with SHA-256 over "header.payload"; raises if it does not verify.
    key.public_key().verify(
        b64url_decode(signature_b64), f"{header_b64}.{payload_b64}".encode(), padding.PKCS1v15(), hashes.SHA256()
    )
    assert header == {"alg": "RS256", "typ": "JWT"}
    assert claims["iss"] == ORG and claims["sub"] == "HVCC" and claims["aud"] == SCRT_AUDIENCE
    assert before <= claims["iat"] <= int(time.time())
    assert 0 < claims["exp"] - claims["iat"] <= MAX_LIFETIME_S
    assert minted.claims == claims
    # and a second, independent implementation agrees it is RS256 for the SCRT audience
    assert jwt.decode(minted.token, key.public_key(), algorithms=["RS256"], audience=SCRT_AUDIENCE) == claims


def test_tampered_token_does_not_verify(key, run):
    header_b64, payload_b64, signature_b64 = mint(key, run).token.split(".")
    forged = base64.urlsafe_b64encode(json.dumps({"iss": ORG, "sub": "OTHER"}).encode()).rstrip(b"=").decode()
    with pytest.raises(InvalidSignature):
        key.public_key().verify(
            b64url_decode(signature_b64), f"{header_b64}.{forged}".encode(), padding.PKCS1v15(), hashes.SHA256()
        )


def test_every_token_has_a_unique_jti(key, run):
    minter = minter_for(key, ORG, "HVCC")

    async def mint_many():
        return [(await minter.mint()).jti for _ in range(200)]

    assert len(set(run(mint_many()))) == 200


def test_lifetime_above_three_minutes_is_refused():
    with pytest.raises(ValueError):
        TokenSpec(issuer=ORG, subject="HVCC", lifetime_s=181)


def test_token_never_appears_in_repr(key, run):
    minted = mint(key, run)
    assert minted.token not in repr(minted)


def test_the_key_is_loaded_once_however_many_tokens(key, run):
    from app.core.signing import TokenMinter
    from app.core.signing.rsa_key import RsaKeySigner

    loads = []

    def load():
        loads.append(1)
        return key

    minter = TokenMinter(RsaKeySigner(load), TokenSpec(ORG, "HVCC"))

    async def mint_concurrently():
        import asyncio

        return await asyncio.gather(*(minter.mint() for _ in range(20)))

    assert len(run(mint_concurrently())) == 20 and loads == [1]


@pytest.mark.parametrize("fmt", [serialization.PrivateFormat.PKCS8, serialization.PrivateFormat.TraditionalOpenSSL])
def test_loads_pkcs8_and_pkcs1(key, fmt):
    assert key_fingerprint(load_private_key(pem(key, fmt))) == key_fingerprint(key)


def test_passphrase_protected_key(key):
    protected = pem(key, password=b"s3cret-phr\xc3\xa4se")
    assert load_private_key(protected, "s3cret-phräse").key_size == 2048
    with raises(CredentialError, match="protected by a passphrase"):
        load_private_key(protected)
    with raises(CredentialError, match="passphrase is wrong") as raised:
        load_private_key(protected, "hunter2-guess")
    assert raised.value.__cause__ is None and "hunter2" not in text(raised.value)


def test_unencrypted_key_with_a_passphrase_is_explained(key):
    with raises(CredentialError, match="not protected by a passphrase"):
        load_private_key(pem(key), "unneeded")


def test_refuses_non_rsa_small_rsa_and_non_pem():
    ec_key = ec.generate_private_key(ec.SECP256R1())
    with raises(CredentialError, match="needs an RSA key"):
        load_private_key(pem(ec_key))
    small = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    with raises(CredentialError, match="RSA 1024-bit"):
        load_private_key(pem(small))
    with raises(CredentialError, match="not a PEM private key"):
        load_private_key("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
