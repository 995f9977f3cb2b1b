//! The embedded lab server: WebSocket and HTTP endpoints on one port, every connection tapped.
