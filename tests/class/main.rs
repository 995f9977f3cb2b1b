//! The class hub on real loopback sockets: a room of 200 students following every step and
//! answering, resuming after a drop, and refusing what breaks the class protocol's rules.

mod client;
mod follow;
mod hub;
mod refusals;
