//! Gopher, the reverse-tunnel gateway: the simulator standing in for it (`sim/`).

pub mod sim;
