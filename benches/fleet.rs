//! A hundred provisions at once, end to end: a real `nimbus serve` process against a real
//! `nimbus sim-proxmox --profile bench --nodes 10` process (fixed task durations, no jitter) over
//! loopback HTTPS, with `NIMBUS_CLONE_CONCURRENCY_PER_NODE=10` and a 241-address pool in
//! 127.0.20.0/24. The admin (the first account, exempt from quotas) provisions one small Ubuntu
//! 24.04 machine through `POST /api/vms` (NDJSON, API token), then 100 at once. Prints the
//! single provision's time, the makespan of the hundred and their ratio (target ≤ 1.5), each
//! step's median, and checks, from Nimbus's list and from the simulator's own API, that every
//! address and VMID is distinct and that no node took more than 12 of the hundred.
//!
//! The ratio is reported as met or MISSED (it depends on the machine's load); a collision, a
//! disagreement between Nimbus and the cluster, or a node given more than 12 makes the benchmark
//! exit non-zero.
//!
//! Run with `make bench` (or `cargo bench --bench fleet`).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use procs::{Portal, Provisioned, Sim, median, step_times};
use serde_json::Value;

#[path = "support/procs.rs"]
mod procs;

const NODES: u16 = 10;
const FLEET: usize = 100;
const MAX_PER_NODE: usize = 12;
const TARGET_RATIO: f64 = 1.5;
/// `NIMBUS_MEM_BUFFER_MIB`'s default: memory kept free beside each VM's own.
const BUFFER_MIB: u64 = 256;
const MIB: u64 = 1 << 20;
const GIB: u64 = 1 << 30;

fn met(ok: bool) -> &'static str {
    if ok { "met" } else { "MISSED" }
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

/// The small tier's memory (MiB) and disk (GiB), after checking the catalog offers it and
/// Ubuntu 24.04.
async fn small_tier(portal: &Portal) -> (u64, u64) {
    let catalog = portal.get("/catalog").await;
    let offered = |list: &str, field: &str, want: &str| {
        catalog[list]
            .as_array()
            .into_iter()
            .flatten()
            .find(|x| x[field] == want)
            .cloned()
            .unwrap_or_else(|| panic!("the catalog offers no {want}: {catalog}"))
    };
    offered("os", "key", "ubuntu-24.04");
    let small = offered("tiers", "name", "small");
    let field = |k: &str| small[k].as_u64().unwrap_or_else(|| panic!("small.{k}: {small}"));
    (field("memory_mib"), field("disk_gib"))
}

/// How many small VMs each node can take by placement's own gates (memory with the buffer,
/// `local-lvm` free space), from the simulator's figures before anything is provisioned.
async fn room(sim: &Sim, mem_mib: u64, disk_gib: u64) -> BTreeMap<String, u64> {
    let storage = sim.api("/cluster/resources?type=storage").await;
    let mut out = BTreeMap::new();
    for node in sim.api("/nodes").await.as_array().expect("nodes") {
        let name = node["node"].as_str().expect("node name").to_owned();
        let free_mem = node["maxmem"]
            .as_u64()
            .unwrap_or(0)
            .saturating_sub(node["mem"].as_u64().unwrap_or(0));
        let lvm = storage
            .as_array()
            .into_iter()
            .flatten()
            .find(|s| s["node"] == name.as_str() && s["storage"] == "local-lvm");
        let free_disk = lvm.map_or(0, |s| {
            s["maxdisk"]
                .as_u64()
                .unwrap_or(0)
                .saturating_sub(s["disk"].as_u64().unwrap_or(0))
        });
        let by_mem = free_mem / ((mem_mib + BUFFER_MIB) * MIB);
        let by_disk = free_disk / (disk_gib * GIB);
        println!(
            "    {name:<6} {:5.1} GiB memory free, {:6.1} GiB local-lvm free: room for {:3} (memory) / {:3} (disk)",
            free_mem as f64 / GIB as f64,
            free_disk as f64 / GIB as f64,
            by_mem,
            by_disk
        );
        out.insert(name, by_mem.min(by_disk));
    }
    out
}

/// Per step: the single provision's time and the median and maximum over the fleet.
fn step_table(single: &Provisioned, fleet: &[Provisioned]) {
    println!("    step          single   fleet median   fleet max  (ms, time since the previous step)");
    for (step, one) in step_times(&single.lines) {
        let mut all: Vec<f64> = fleet
            .iter()
            .flat_map(|p| step_times(&p.lines))
            .filter(|(s, _)| *s == step)
            .map(|(_, ms)| ms)
            .collect();
        let max = all.iter().copied().fold(0.0, f64::max);
        println!("    {step:<12} {one:8.0} {:14.0} {max:11.0}", median(&mut all));
    }
}

/// What the checks found.
struct Checked {
    failures: Vec<String>,
    /// The fleet's machines per node.
    per_node: BTreeMap<String, usize>,
    distinct_ips: usize,
    distinct_vmids: usize,
}

/// Nimbus's list and the simulator's VMs agree, and every address and VMID is distinct.
async fn verify(portal: &Portal, sim: &Sim) -> Checked {
    let mut failures = Vec::new();
    let list = portal.get("/vms").await;
    let vms: Vec<&Value> = list.as_array().expect("vm list").iter().collect();
    let (mut ips, mut vmids, mut per_node) = (BTreeSet::new(), BTreeSet::new(), BTreeMap::new());
    let mut nimbus_view: BTreeMap<u64, (String, String)> = BTreeMap::new();
    for vm in &vms {
        let host = vm["hostname"].as_str().unwrap_or_default();
        if vm["status"] != "running" {
            failures.push(format!("{host} is {} ({})", vm["status"], vm["phase"]));
        }
        let (ip, vmid, node) = (vm["ip"].as_str(), vm["vmid"].as_u64(), vm["node"].as_str());
        let (Some(ip), Some(vmid), Some(node)) = (ip, vmid, node) else {
            failures.push(format!("{host} lacks an address, VMID or node: {vm}"));
            continue;
        };
        if !ips.insert(ip.to_owned()) {
            failures.push(format!("address collision: {ip} is held twice"));
        }
        if !vmids.insert(vmid) {
            failures.push(format!("VMID collision: {vmid} is used twice"));
        }
        if host.starts_with("fleet-") {
            *per_node.entry(node.to_owned()).or_insert(0usize) += 1;
        }
        nimbus_view.insert(vmid, (node.to_owned(), ip.to_owned()));
    }
    if vms.len() != FLEET + 1 {
        failures.push(format!("Nimbus lists {} machines, not {}", vms.len(), FLEET + 1));
    }
    // The simulator's side: every non-template VM, on which node, with which address.
    let mut on_cluster = 0;
    for node in sim.api("/nodes").await.as_array().expect("nodes") {
        let node = node["node"].as_str().expect("node name");
        for guest in sim
            .api(&format!("/nodes/{node}/qemu"))
            .await
            .as_array()
            .expect("guests")
        {
            let vmid = guest["vmid"].as_u64().expect("vmid");
            if guest["template"].as_u64() == Some(1) {
                continue;
            }
            on_cluster += 1;
            let config = sim.api(&format!("/nodes/{node}/qemu/{vmid}/config")).await;
            let ipconfig = config["ipconfig0"].as_str().unwrap_or_default();
            match nimbus_view.get(&vmid) {
                None => failures.push(format!("VM {vmid} on {node} is not in Nimbus's list")),
                Some((n, ip)) if n != node || !ipconfig.starts_with(&format!("ip={ip}/")) => failures.push(format!(
                    "VM {vmid}: Nimbus says {n} {ip}, the cluster says {node} {ipconfig}"
                )),
                Some(_) => {}
            }
        }
    }
    if on_cluster != nimbus_view.len() {
        failures.push(format!(
            "the cluster has {on_cluster} VMs, Nimbus {}",
            nimbus_view.len()
        ));
    }
    Checked {
        failures,
        per_node,
        distinct_ips: ips.len(),
        distinct_vmids: vmids.len(),
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sim = Sim::spawn(dir.path(), "bench", NODES, 11);
    let portal = Arc::new(
        Portal::spawn(
            dir.path(),
            &sim,
            &[
                ("IP_POOL_START", "127.0.20.10"),
                ("IP_POOL_END", "127.0.20.250"),
                ("GATEWAY_IP", "127.0.20.1"),
                ("VM_PREFIX_LEN", "24"),
                ("NIMBUS_CLONE_CONCURRENCY_PER_NODE", "10"),
            ],
        )
        .await,
    );
    let (mem_mib, disk_gib) = small_tier(&portal).await;
    println!(
        "capacity of the {NODES}-node bench cluster for small VMs ({mem_mib} MiB + {BUFFER_MIB} MiB buffer, {disk_gib} GiB disk):"
    );
    let room = room(&sim, mem_mib, disk_gib).await;
    let total: u64 = room.values().sum();
    println!("    room for {total} small VMs in all (the fleet needs {})", FLEET + 1);
    assert!(
        total > FLEET as u64,
        "the simulated cluster cannot hold the fleet: {room:?}"
    );

    let single = portal.provision("single", |_| {}).await;
    println!(
        "one provision (POST to running, streamed): {:.2} s on {}",
        secs(single.took),
        single.result["node"].as_str().unwrap_or("?")
    );

    let t = Instant::now();
    let runs: Vec<_> = (0..FLEET)
        .map(|n| {
            let portal = portal.clone();
            tokio::spawn(async move { portal.provision(&format!("fleet-{n}"), |_| {}).await })
        })
        .collect();
    let mut fleet = Vec::with_capacity(FLEET);
    for run in runs {
        fleet.push(run.await.expect("provision task"));
    }
    let makespan = t.elapsed();
    let ratio = secs(makespan) / secs(single.took);
    let mut each: Vec<f64> = fleet.iter().map(|p| secs(p.took)).collect();
    let (fastest, slowest) = (
        each.iter().copied().fold(f64::INFINITY, f64::min),
        each.iter().copied().fold(0.0, f64::max),
    );
    println!(
        "{FLEET} provisions at once: makespan {:.2} s; each took {fastest:.2} s to {slowest:.2} s, median {:.2} s",
        secs(makespan),
        median(&mut each)
    );
    step_table(&single, &fleet);

    let checked = verify(&portal, &sim).await;
    let (failures, per_node) = (checked.failures, checked.per_node);
    let busiest = per_node.values().copied().max().unwrap_or(0);
    println!("placement of the {FLEET} (and each node's share of the room, for comparison):");
    let mut nodes: Vec<(&String, &usize)> = per_node.iter().collect();
    nodes.sort_by_key(|(n, _)| (n.len(), n.as_str()));
    for (node, count) in nodes {
        let share = room.get(node).copied().unwrap_or(0) as f64 / total as f64 * FLEET as f64;
        println!("    {node:<6} {count:3}   (share of room {share:4.1})");
    }
    println!(
        "{} distinct addresses and {} distinct VMIDs among all {} machines",
        checked.distinct_ips,
        checked.distinct_vmids,
        FLEET + 1
    );
    println!(
        "RESULT makespan/single = {:.2} / {:.2} s = {ratio:.2} (target <= {TARGET_RATIO}: {}); busiest node {busiest} of {FLEET} (target <= {MAX_PER_NODE}: {}); {} failed checks",
        secs(makespan),
        secs(single.took),
        met(ratio <= TARGET_RATIO),
        met(busiest <= MAX_PER_NODE),
        failures.len()
    );
    for f in &failures {
        eprintln!("FAILED: {f}");
    }
    drop(portal);
    drop(sim);
    drop(dir);
    if !failures.is_empty() || busiest > MAX_PER_NODE {
        std::process::exit(1);
    }
}
