//! Integration tests of the node: a real `fractal node` (in process, on an ephemeral port) driven by
//! alloy over HTTP and WebSocket.

mod alloy_client;
