//! Quota arithmetic: admission at and past each limit, the order limits are named in, approval
//! by tier position, headroom and the admin's input checks.

use super::*;
use crate::domain::tier::TierCatalog;

fn limits() -> QuotaLimits {
    QuotaLimits {
        max_vms: Some(3),
        max_vcpus: Some(6),
        max_memory_mib: Some(6 * 1024),
        max_disk_gib: Some(100),
        approval_above: None,
        max_pending: Some(2),
    }
}

fn small() -> Usage {
    Usage::one(1, 1024, 15)
}

#[test]
fn a_request_that_fits_exactly_is_admitted() {
    let used = Usage::one(5, 5 * 1024, 85);
    assert_eq!(limits().admit(used, small()), Ok(()));
}

#[test]
fn each_limit_refuses_one_past_it_and_names_the_figures() {
    let l = limits();
    let three = small().plus(small()).plus(small());
    assert_eq!(l.admit(three, small()), Err(QuotaBreach::Vms { limit: 3, used: 3 }));
    let cpus = Usage::one(6, 1024, 15);
    assert_eq!(
        l.admit(cpus, small()),
        Err(QuotaBreach::Vcpus {
            limit: 6,
            used: 6,
            asked: 1
        })
    );
    let mem = Usage::one(1, 5 * 1024 + 512, 15);
    let breach = l.admit(mem, small()).unwrap_err();
    assert_eq!(breach.limit_name(), "max_memory_mib");
    assert_eq!(
        breach.to_string(),
        "The quota allows 6 GiB of memory in total; 5.5 GiB is in use and this machine needs 1 GiB."
    );
    let disk = Usage::one(1, 1024, 90);
    assert_eq!(
        l.admit(disk, small()).unwrap_err().to_string(),
        "The quota allows 100 GB of disk in total; 90 GB is in use and this machine needs 15 GB."
    );
}

#[test]
fn the_machine_count_is_named_before_the_resources() {
    let full = Usage {
        vms: 3,
        vcpus: 6,
        memory_mib: 6 * 1024,
        disk_gib: 100,
    };
    let breach = limits().admit(full, small()).unwrap_err();
    assert_eq!(breach.to_string(), "The quota allows 3 machines and 3 are in use.");
}

#[test]
fn no_limits_admit_anything() {
    let huge = Usage::one(u32::MAX, u64::MAX, u64::MAX);
    assert_eq!(QuotaLimits::default().admit(huge, huge), Ok(()));
}

#[test]
fn a_zero_limit_refuses_everything() {
    let l = QuotaLimits {
        max_vms: Some(0),
        ..QuotaLimits::default()
    };
    assert_eq!(
        l.admit(Usage::default(), small()).unwrap_err().to_string(),
        "The quota allows 0 machines and 0 are in use."
    );
}

#[test]
fn approval_follows_the_flagged_tier_and_the_member_allowance() {
    let catalog = TierCatalog::builtin();
    let tier = |n: &str| catalog.find(n).unwrap().clone();
    let open = QuotaLimits::default();
    assert!(!open.needs_approval(&tier("large"), &catalog));
    assert!(open.needs_approval(&tier("xl"), &catalog));
    let up_to_small = QuotaLimits {
        approval_above: Some(TierName::parse("small").unwrap()),
        ..QuotaLimits::default()
    };
    assert!(!up_to_small.needs_approval(&tier("small"), &catalog));
    assert!(up_to_small.needs_approval(&tier("medium"), &catalog));
    assert!(up_to_small.needs_approval(&tier("xl"), &catalog));
}

#[test]
fn headroom_is_what_is_left_and_never_negative() {
    let used = Usage::one(7, 1024, 15);
    let h = limits().headroom(used);
    assert_eq!(h.vms, Some(2));
    assert_eq!(h.vcpus, Some(0));
    assert_eq!(h.memory_mib, Some(5 * 1024));
    assert_eq!(QuotaLimits::default().headroom(used).vms, None);
}

#[test]
fn admin_input_is_checked_and_names_the_field() {
    let catalog = TierCatalog::builtin();
    let ok = QuotaLimits::checked(Some(5), None, Some(4096), None, Some(3), Some(" large "), &catalog).unwrap();
    assert_eq!(ok.max_vms, Some(5));
    assert_eq!(ok.approval_above.as_ref().map(|t| t.as_str()), Some("large"));
    let blank = QuotaLimits::checked(None, None, None, None, None, Some(""), &catalog).unwrap();
    assert_eq!(blank, QuotaLimits::default());
    let e = QuotaLimits::checked(Some(20_000), None, None, None, None, None, &catalog).unwrap_err();
    assert_eq!(e.field(), "max_vms");
    assert_eq!(ok.max_pending, Some(3));
    let e = QuotaLimits::checked(None, None, None, None, Some(1_001), None, &catalog).unwrap_err();
    assert_eq!(e.field(), "max_pending");
    let e = QuotaLimits::checked(None, None, None, None, None, Some("huge"), &catalog).unwrap_err();
    assert_eq!(e.field(), "approval_above");
    assert!(e.to_string().contains("small, medium, large, xl"));
}

#[test]
fn waiting_requests_are_capped_on_their_own() {
    let l = limits();
    assert_eq!(l.admit_request(0), Ok(()));
    assert_eq!(l.admit_request(1), Ok(()));
    let breach = l.admit_request(2).unwrap_err();
    assert_eq!(breach, QuotaBreach::Pending { limit: 2, waiting: 2 });
    assert_eq!(breach.limit_name(), "max_pending");
    assert_eq!(
        breach.to_string(),
        "The quota allows 2 requests waiting for an admin's approval at once, and 2 are waiting."
    );
    assert_eq!(QuotaLimits::default().admit_request(10_000), Ok(()), "no limit");
}
