"""The local AWS test bed: moto server behind a small WSGI layer, with SigV4 verification on.

`server.py` (one level up) is the entry point; `app.TestbedApp` is the WSGI layer; the
`patches` package holds each correction to moto 5.2.1, one module per moto flaw.
"""
