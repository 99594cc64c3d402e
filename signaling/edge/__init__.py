"""The WebSocket edge: sockets, their outboxes, limits and the HTTP server's guards."""
