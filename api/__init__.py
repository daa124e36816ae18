"""The xapp client SDK and wire contract.

Nothing here imports Textual: scripts, the CLI and tests use the SDK bare, and the
server imports `xapp.api.models` so the schema exists once.
"""

USER_AGENT = "xapp/0.1"
