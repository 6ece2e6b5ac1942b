//! Simulator benchmark: the memory of a 50-node, 2,000-VM simulated cluster and the time of a
//! 1,000-operation run through the in-memory face (clones, config, starts, status reads,
//! cluster-wide listings, deletes), with the simulated clock moving between operations.
//!
//! Run with `make bench` (or `cargo bench --bench sim_cluster`). Prints one line per figure.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use chrono::{Duration, TimeZone, Utc};
use nimbus::adapters::clock::ManualClock;
use nimbus::adapters::proxmox::sim::{Profile, Scenario, SimCluster};
use nimbus::domain::cluster::NodeName;
use nimbus::domain::vmid::VmId;
use nimbus::ports::proxmox::{CloneRequest, ConfigChange, PowerOp, Proxmox, ResourceKind, TaskState};

const NODES: usize = 50;
const GUESTS: usize = 2000;
const OPS: usize = 1000;
const RUNS: usize = 3;

/// Counts live heap bytes, so the model's size is measured exactly rather than through RSS
/// (which the allocator keeps high after a run).
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn live_kib() -> u64 {
    (LIVE.load(Ordering::Relaxed) / 1024) as u64
}

async fn run(seed: u64) -> (u64, std::time::Duration, usize) {
    let before = live_kib();
    let clock = Arc::new(ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap()));
    let scenario = Scenario::default_cluster(NODES).with_guests(GUESTS);
    let sim = SimCluster::new(scenario, Profile::Bench, seed, clock.clone());
    let model_kib = live_kib().saturating_sub(before);
    let px = sim.proxmox();
    let node = |i: usize| NodeName::parse(&format!("pve{}", i % NODES + 1)).unwrap();
    let started = Instant::now();
    let mut ops = 0;
    let mut mine: Vec<(NodeName, VmId)> = Vec::new();
    let mut i = 0;
    while ops < OPS {
        let n = node(i);
        let template = VmId::new(9000 + (i % NODES) as u32 * 4).unwrap();
        match i % 5 {
            0 => {
                let newid = px.next_vmid(None).await.unwrap();
                let req = CloneRequest {
                    node: n.clone(),
                    vmid: template,
                    newid,
                    name: Some(format!("bench-{newid}")),
                    description: None,
                    full: Some(true),
                    target: None,
                    storage: None,
                };
                let upid = px.clone_vm(&req).await.unwrap();
                while px.task_status(&upid).await.unwrap().state == TaskState::Running {
                    clock.advance(Duration::seconds(1));
                    ops += 1;
                }
                mine.push((n, newid));
                ops += 2;
            }
            1 => {
                if let Some((n, id)) = mine.last() {
                    let change = ConfigChange {
                        set: vec![
                            ("cores".into(), "2".into()),
                            ("ipconfig0".into(), "ip=127.77.0.10/24".into()),
                        ],
                        ..ConfigChange::default()
                    };
                    px.update_config_sync(n, *id, &change).await.unwrap();
                    px.power(n, *id, PowerOp::Start).await.unwrap();
                    ops += 2;
                }
            }
            2 => {
                px.cluster_resources(Some(ResourceKind::Vm)).await.unwrap();
                px.nodes().await.unwrap();
                ops += 2;
            }
            3 => {
                px.vms(&n).await.unwrap();
                px.vm_status(&n, template).await.unwrap();
                ops += 2;
            }
            _ => {
                clock.advance(Duration::seconds(5));
                if mine.len() > 20 {
                    let (n, id) = mine.remove(0);
                    px.power(&n, id, PowerOp::Stop).await.unwrap();
                    clock.advance(Duration::seconds(2));
                    px.delete_vm(&n, id).await.unwrap();
                    ops += 2;
                }
                ops += 1;
            }
        }
        i += 1;
    }
    (model_kib, started.elapsed(), sim.event_log().len())
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let mut times = Vec::new();
    let mut mems = Vec::new();
    for seed in 0..RUNS as u64 {
        let (kib, elapsed, events) = run(seed + 1).await;
        println!(
            "sim run {seed}: model {:.1} MiB, {OPS} ops in {:.1} ms ({events} events)",
            kib as f64 / 1024.0,
            elapsed.as_secs_f64() * 1000.0
        );
        times.push(elapsed);
        mems.push(kib);
    }
    times.sort();
    mems.sort();
    println!("sim cluster       {NODES} nodes, {GUESTS} guests");
    println!(
        "sim model memory  {:.1} MiB (median of {RUNS})",
        mems[RUNS / 2] as f64 / 1024.0
    );
    println!(
        "sim {OPS} ops     {:.1} ms (median of {RUNS}), {:.1} µs per op",
        times[RUNS / 2].as_secs_f64() * 1000.0,
        times[RUNS / 2].as_secs_f64() * 1e6 / OPS as f64
    );
}
