"""Route a Voice Call (DOMAIN.md section 1): the request (`request`, no HTTP library), how it ends
(`outcome`), what goes over the wire (`wire`) and the client that sends it (`client`, httpx)."""
