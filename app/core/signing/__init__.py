"""Bearer tokens (DOMAIN.md section 2): the claims are built in one place, signing is behind `JwtSigner`.

`TokenMinter` builds the header and claims (iss, sub, aud, iat, exp, jti) and asks a `JwtSigner`
for the RS256 signature of `b64url(header).b64url(claims)`. A signer holds the key, or reaches
the service that holds it: `RsaKeySigner` signs with a key from the OS keyring (or the demo's
in-memory key); a company signing service is another implementation of the same protocol.
"""

from app.core.signing.tokens import (
    MAX_LIFETIME_S,
    SCRT_AUDIENCE,
    JwtSigner,
    MintedToken,
    TokenMinter,
    TokenSpec,
)

__all__ = ["MAX_LIFETIME_S", "SCRT_AUDIENCE", "JwtSigner", "MintedToken", "TokenMinter", "TokenSpec"]
