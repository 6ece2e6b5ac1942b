//! Contracts for fault scopes: `Once`, `Times(n)`, `For(d)` in simulated time, and `UntilCleared`.
//! Each uses an API error on `nextid`, the cheapest call to count.

use chrono::Duration;
use nimbus::adapters::proxmox::sim::{Fault, FaultScope, Op};
use nimbus::ports::proxmox::ProxmoxError;

use super::*;

const MESSAGE: &str = "unable to get any free VMID in range [100, 1000000]";

fn nextid_error() -> Fault {
    Fault::ApiError {
        op: Op::NextId,
        message: MESSAGE.into(),
    }
}

/// Whether `nextid` fails with the injected error right now (any other outcome is a test failure).
async fn fails(h: &dyn Harness) -> bool {
    match h.proxmox().next_vmid(None).await {
        Ok(vmid) => {
            assert_eq!(vmid, id(100));
            false
        }
        Err(e) => {
            assert_eq!(e, ProxmoxError::Refused(MESSAGE.into()));
            true
        }
    }
}

pub async fn a_once_fault_fires_exactly_once(h: &dyn Harness) {
    h.inject(nextid_error(), FaultScope::Once).await;
    assert!(fails(h).await, "the first call fails");
    assert!(!fails(h).await, "the second call succeeds");
    assert!(!fails(h).await);

    let unused = h.inject(nextid_error(), FaultScope::Once).await;
    h.clear(unused).await;
    assert!(!fails(h).await, "a cleared fault that never fired does not fire");
}

pub async fn a_times_fault_fires_that_many_times(h: &dyn Harness) {
    h.inject(nextid_error(), FaultScope::times(3)).await;
    let outcomes = [
        fails(h).await,
        fails(h).await,
        fails(h).await,
        fails(h).await,
        fails(h).await,
    ];
    assert_eq!(outcomes, [true, true, true, false, false]);
}

pub async fn a_for_fault_expires_with_simulated_time(h: &dyn Harness) {
    h.inject(nextid_error(), FaultScope::lasting(Duration::seconds(30)))
        .await;
    assert!(fails(h).await);
    assert!(fails(h).await, "a timed fault fires as often as it is hit");
    h.advance(Duration::seconds(29)).await;
    assert!(fails(h).await, "still active 29 s in");
    h.advance(Duration::seconds(2)).await;
    assert!(!fails(h).await, "gone 31 s in");
}

pub async fn an_until_cleared_fault_lasts_until_it_is_cleared(h: &dyn Harness) {
    let fault = h.inject(nextid_error(), FaultScope::UntilCleared).await;
    for _ in 0..5 {
        assert!(fails(h).await);
    }
    h.advance(Duration::hours(24)).await;
    assert!(fails(h).await, "time does not end it");
    let other = h.inject(nextid_error(), FaultScope::UntilCleared).await;
    assert_ne!(other, fault, "each injection has its own id");
    h.clear(fault).await;
    assert!(fails(h).await, "the other injection is still active");
    h.clear(other).await;
    assert!(!fails(h).await, "cleared");
}
