"""Signing with an RSA private key held in this process (from the OS keyring, or the demo's)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey


class RsaKeySigner:
    """A `JwtSigner` with a local key. `load_key` reads and parses it (a keyring call and a PEM
    parse: up to ~270 ms for 4096 bits), so it runs once, on the signer's own thread, as does
    each signature (0.2-1.7 ms): neither waits behind directory builds in the shared pool, and
    the event loop never blocks."""

    def __init__(self, load_key: Callable[[], RSAPrivateKey]) -> None:
        self._load_key = load_key
        self._key: RSAPrivateKey | None = None
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="signer")

    async def sign(self, signing_input: bytes) -> bytes:
        return await asyncio.get_running_loop().run_in_executor(self._thread, self._sign, signing_input)

    def _sign(self, signing_input: bytes) -> bytes:
        if self._key is None:  # one thread: loaded once even when two tokens are asked at once
            self._key = self._load_key()
        return self._key.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())

    async def aclose(self) -> None:
        self._thread.shutdown(wait=False)
