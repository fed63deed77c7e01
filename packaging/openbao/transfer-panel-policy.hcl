# Voice Transfer Panel: what a rep's OpenBao / Vault token may do, and nothing more.
# setup_openbao.py fills in TRANSIT_MOUNT and KEY_NAME (or replace them by hand).

# Sign with the Call Center's key: RS256 only (SHA-256, PKCS#1 v1.5). Any other parameter
# (prehashed, key_version, batch_input, PSS, ...) is refused with 403, and so is a request
# that leaves the algorithm out (Transit's defaults are other algorithms).
path "TRANSIT_MOUNT/sign/KEY_NAME" {
  capabilities = ["update"]
  required_parameters = ["input", "hash_algorithm", "signature_algorithm"]
  allowed_parameters = {
    "input"               = []
    "hash_algorithm"      = ["sha2-256"]
    "signature_algorithm" = ["pkcs1v15"]
  }
}

# The key's public half (no private material; the key is not exportable), for `self-test`.
path "TRANSIT_MOUNT/keys/KEY_NAME" {
  capabilities = ["read"]
}

# The token's own life: who and until when, renewal through a shift, revocation at sign-out.
# Needed because the roles set token_no_default_policy = true.
path "auth/token/lookup-self" {
  capabilities = ["read"]
}
path "auth/token/renew-self" {
  capabilities = ["update"]
}
path "auth/token/revoke-self" {
  capabilities = ["update"]
}
