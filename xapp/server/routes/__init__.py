"""HTTP and websocket routes, one module per resource; each declares the wire models of
`xapp.api.models` as its request and response types."""
