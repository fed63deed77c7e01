"""The TLS settings every HTTP client of the panel uses: the operating system's trust store."""

import ssl


def build_ssl_context() -> ssl.SSLContext:
    """The OS trust store (corporate CAs included), or certifi's bundle where truststore cannot work.
    Building one costs ~20 ms: each long-lived client builds it once."""
    try:
        import truststore

        return truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    except (ImportError, OSError, ssl.SSLError):
        import certifi

        return ssl.create_default_context(cafile=certifi.where())
