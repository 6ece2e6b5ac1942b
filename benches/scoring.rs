//! Node scoring at scale: `nimbus::domain::scoring::evaluate` followed by
//! `PlacementDecision::new` (gates, soft score, the total-order ranking) for a small VM over a
//! synthetic 1,000-node `ClusterView`: nodes of four sizes with varied load (some offline, some
//! excluded, some without the template), four guests and one template per node, one `local-lvm`
//! row per node, and 64 placements in flight (half already with a VMID, some of those already
//! reported among the guests). Pure computation through the library's public API, no I/O.
//! Prints the median and p99 of a full scoring, and of `evaluate` alone.
//!
//! Run with `make bench` (or `cargo bench --bench scoring`).

use std::collections::BTreeSet;
use std::hint::black_box;
use std::time::{Duration, Instant};

use nimbus::domain::cluster::{GIB, GuestFigures, MIB, NodeFigures, NodeName, StorageFigures};
use nimbus::domain::scoring::{ClusterView, InFlight, PlacementDecision, ScoringPolicy, evaluate};
use nimbus::domain::tier::TierCatalog;
use nimbus::domain::vmid::VmId;

const NODES: usize = 1_000;
const GUESTS_PER_NODE: usize = 4;
const IN_FLIGHT: usize = 64;
const WARMUP: usize = 20;
const ROUNDS: usize = 300;

/// A small deterministic generator (SplitMix64), so every run scores the same cluster.
struct Mix(u64);

impl Mix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

struct Cluster {
    nodes: Vec<NodeFigures>,
    guests: Vec<GuestFigures>,
    storage: Vec<StorageFigures>,
    templates: BTreeSet<NodeName>,
    in_flight: Vec<InFlight>,
    policy: ScoringPolicy,
}

fn name(i: usize) -> NodeName {
    NodeName::parse(&format!("pve{i:04}")).expect("node name")
}

fn vmid(n: u64) -> VmId {
    VmId::new(u32::try_from(n).expect("vmid fits")).expect("vmid")
}

fn cluster() -> Cluster {
    let mut rng = Mix(2026);
    let shapes = [(8, 32), (12, 48), (16, 64), (32, 128)];
    let mut c = Cluster {
        nodes: Vec::with_capacity(NODES),
        guests: Vec::with_capacity(NODES * (GUESTS_PER_NODE + 1)),
        storage: Vec::with_capacity(NODES),
        templates: BTreeSet::new(),
        in_flight: Vec::with_capacity(IN_FLIGHT),
        policy: ScoringPolicy::default(),
    };
    for i in 0..NODES {
        let (cpus, mem_gib) = shapes[i % shapes.len()];
        let mut guest_mem = 0;
        for g in 0..GUESTS_PER_NODE {
            let mem_max = (1 + rng.below(4)) * GIB;
            guest_mem += mem_max;
            c.guests.push(GuestFigures {
                vmid: vmid(100 + (i * GUESTS_PER_NODE + g) as u64),
                node: name(i),
                template: false,
                mem_max,
                cpus: 1 + rng.below(4) as u32,
            });
        }
        c.guests.push(GuestFigures {
            vmid: vmid(1_000_000 + i as u64),
            node: name(i),
            template: true,
            mem_max: 2 * GIB,
            cpus: 1,
        });
        c.nodes.push(NodeFigures {
            name: name(i),
            online: i % 97 != 0,
            cpu_load: rng.below(600) as f64 / 1000.0,
            cpus,
            mem_used: 2 * GIB + guest_mem / 2 + rng.below(1024) * MIB,
            mem_total: mem_gib * GIB,
        });
        let total = [512, 768, 1024][i % 3] * GIB;
        c.storage.push(StorageFigures {
            storage: "local-lvm".into(),
            node: name(i),
            shared: false,
            total,
            used: rng.below(total / GIB) * GIB,
        });
        if i % 101 != 0 {
            c.templates.insert(name(i));
        }
        if i % 211 == 0 {
            c.policy.excluded.insert(name(i));
        }
    }
    let guests = c.guests.len() as u64;
    for f in 0..IN_FLIGHT {
        // Half have a VMID; of those, every fourth is one Proxmox already reports.
        let id = match f % 4 {
            0 => Some(vmid(100 + rng.below(guests - NODES as u64))),
            1 => Some(vmid(2_000_000 + f as u64)),
            _ => None,
        };
        c.in_flight.push(InFlight {
            node: name(rng.below(NODES as u64) as usize),
            vmid: id,
            vcpus: 1,
            mem_bytes: GIB,
            disk_bytes: 15 * GIB,
        });
    }
    c
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[(((sorted.len() - 1) as f64) * p).round() as usize]
}

fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

/// Times `f` ROUNDS times after WARMUP calls: (median, p99).
fn timed(mut f: impl FnMut()) -> (Duration, Duration) {
    for _ in 0..WARMUP {
        f();
    }
    let mut times: Vec<Duration> = (0..ROUNDS)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    (percentile(&times, 0.5), percentile(&times, 0.99))
}

fn main() {
    let c = cluster();
    let catalog = TierCatalog::builtin();
    let tier = catalog.find("small").expect("small tier");
    let view = ClusterView {
        nodes: &c.nodes,
        guests: &c.guests,
        storage: &c.storage,
        templates: &c.templates,
        in_flight: &c.in_flight,
    };
    let decision = PlacementDecision::new(tier, &c.policy, evaluate(tier, &view, &c.policy));
    let accepted = decision.assessments().iter().filter(|a| a.score().is_some()).count();
    println!(
        "{NODES} nodes, {} guests (templates included), {} storage rows, {IN_FLIGHT} in flight: {accepted} accepted, winner {}",
        c.guests.len(),
        c.storage.len(),
        decision.winner_name().map_or("none", NodeName::as_str)
    );
    let (full, full_p99) = timed(|| {
        let assessments = evaluate(black_box(tier), black_box(&view), black_box(&c.policy));
        black_box(
            PlacementDecision::new(tier, &c.policy, assessments)
                .winner_name()
                .cloned(),
        );
    });
    let (eval, eval_p99) = timed(|| {
        black_box(evaluate(black_box(tier), black_box(&view), black_box(&c.policy)));
    });
    println!(
        "evaluate alone                          median {:9.1} us   p99 {:9.1} us",
        us(eval),
        us(eval_p99)
    );
    println!(
        "RESULT evaluate + PlacementDecision::new median {:9.1} us   p99 {:9.1} us ({ROUNDS} rounds)",
        us(full),
        us(full_p99)
    );
}
