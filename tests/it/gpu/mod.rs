//! The GPU plane end to end with the real `gx10-worker` and its stand-in runtime against a
//! running Nimbus: first-in first-out, one job at a time per worker, two workers never running a
//! job twice, output complete and in order byte for byte, a retried chunk kept once, a restart
//! of Nimbus losing nothing, a cancel stopping the container, a crashed worker's job finished by
//! another after its lease. In-process tests with a manual clock are in `src/app/gpu_queue/`.

mod harness;
mod logs;
mod queue;
mod stops;
