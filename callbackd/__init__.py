"""The server process: configuration, ASGI app and command line."""
