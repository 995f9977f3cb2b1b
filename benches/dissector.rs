//! Dissector throughput against tungstenite (written in a later commit of this series).

fn main() {}
