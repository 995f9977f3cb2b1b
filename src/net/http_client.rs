//! The HTTP client: hyper over the tap, with browser-like headers, keep-alive on or off.
