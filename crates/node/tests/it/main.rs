//! Integration tests of the node: a real `fractal node` (in process, on an ephemeral port) driven by
//! alloy over HTTP and WebSocket, and the sequencer on its own (receipts before the seal, recovery).

mod alloy_client;
mod batches;
mod sequencer;
