//! The privilege list and the pure check of a caller's effective permissions.

use super::*;

const PVE9: PveRelease = PveRelease::new(9, 0);
const PVE84: PveRelease = PveRelease::new(8, 4);

fn token() -> Grantee {
    Grantee::Token("nimbus@pve!nimbus".into())
}

/// Everything the role holds, granted on `/` with propagation, as Proxmox reports it.
fn full(release: PveRelease) -> EffectivePermissions {
    full_without(release, "")
}

/// [`full`] without one privilege.
fn full_without(release: PveRelease, left_out: &str) -> EffectivePermissions {
    let privs: Vec<&str> = provisioner_privileges(release)
        .into_iter()
        .filter(|p| *p != left_out)
        .collect();
    ["/", "/vms", "/storage", "/nodes", "/sdn", "/access"]
        .iter()
        .fold(EffectivePermissions::new(), |p, path| p.with(path, &privs, true))
}

#[test]
fn releases_parse_from_the_version_field() {
    assert_eq!(PveRelease::parse("8.4.1"), Some(PveRelease::new(8, 4)));
    assert_eq!(PveRelease::parse("9.0"), Some(PveRelease::new(9, 0)));
    assert_eq!(PveRelease::parse("nine"), None);
}

#[test]
fn the_role_covers_provisioning_templates_and_the_console() {
    let privs = provisioner_privileges(PVE9);
    for p in [
        "VM.Clone",
        "VM.Allocate",
        "VM.Console",
        "Datastore.AllocateTemplate",
        "Sys.AccessNetwork",
        "VM.GuestAgent.Audit",
        "VM.GuestAgent.Unrestricted",
        "SDN.Use",
    ] {
        assert!(privs.contains(&p), "{p} missing from {privs:?}");
    }
    assert!(!privs.contains(&"VM.Monitor"));
    assert!(!privs.contains(&"Sys.Modify"), "PVE 9 needs no Sys.Modify: {privs:?}");
    let old = provisioner_privileges(PVE84);
    assert!(old.contains(&"VM.Monitor") && !old.iter().any(|p| p.starts_with("VM.GuestAgent")));
    let ancient = provisioner_privileges(PveRelease::new(8, 0));
    assert!(ancient.contains(&"Sys.Modify") && !ancient.contains(&"Sys.AccessNetwork"));
}

#[test]
fn a_token_holding_the_role_on_the_root_misses_nothing() {
    for release in [PVE9, PVE84, PveRelease::new(8, 0)] {
        assert_eq!(missing(&full(release), &token(), release), vec![], "{release:?}");
    }
}

#[test]
fn a_missing_privilege_is_named_with_its_path_feature_and_how_to_grant_it() {
    let held = full_without(PVE9, "VM.Clone");
    let gaps = missing(&held, &token(), PVE9);
    assert_eq!(gaps.len(), 1, "{gaps:#?}");
    let gap = &gaps[0];
    assert_eq!(gap.requirement.privilege(), "VM.Clone");
    assert_eq!(gap.requirement.path, "/vms");
    assert_eq!(gap.feature(), Feature::Provisioning);
    assert_eq!(gap.reason, MissingReason::NotGranted);
    assert_eq!(
        gap.pveum,
        "pveum acl modify /vms --tokens 'nimbus@pve!nimbus' --roles NimbusProvisioner"
    );
    assert!(
        gap.ui
            .starts_with("Datacenter → Permissions → Add → API Token Permission"),
        "{}",
        gap.ui
    );
    let text = gap.to_string();
    assert!(
        text.contains("VM.Clone on /vms") && text.contains("clone a template"),
        "{text}"
    );
}

#[test]
fn an_empty_answer_for_a_token_is_named_as_a_privilege_separated_token_without_an_acl() {
    let gaps = missing(&EffectivePermissions::new(), &token(), PVE9);
    assert_eq!(gaps.len(), requirements(PVE9).len());
    assert!(
        gaps.iter()
            .all(|g| g.reason == MissingReason::PrivilegeSeparatedTokenWithoutAcl)
    );
    assert!(gaps[0].to_string().contains("privilege-separated"), "{}", gaps[0]);
    let user = Grantee::User("nimbus@pve".into());
    let gaps = missing(&EffectivePermissions::new(), &user, PVE9);
    assert!(gaps.iter().all(|g| g.reason == MissingReason::NotGranted));
    assert!(gaps[0].pveum.contains("--users 'nimbus@pve'"), "{}", gaps[0].pveum);
    assert!(gaps[0].ui.contains("User Permission"), "{}", gaps[0].ui);
}

#[test]
fn a_grant_without_propagation_does_not_reach_the_paths_below() {
    let privs = provisioner_privileges(PVE9);
    let held = EffectivePermissions::new().with("/", &privs, false);
    let gaps = missing(&held, &token(), PVE9);
    let vms = gaps
        .iter()
        .find(|g| g.requirement.privilege() == "VM.Clone")
        .expect("VM.Clone is missing on /vms");
    assert_eq!(vms.reason, MissingReason::NotPropagated { on: "/".into() });
    assert!(vms.to_string().contains("without \"propagate\""), "{vms}");
    assert!(
        !gaps.iter().any(|g| g.requirement.path == "/"),
        "privileges on / itself hold: {gaps:#?}"
    );
}

#[test]
fn any_one_alternative_is_enough_and_a_deeper_listing_replaces_what_propagates() {
    let privs: Vec<&str> = provisioner_privileges(PVE9)
        .into_iter()
        .filter(|p| *p != "VM.GuestAgent.Audit")
        .collect();
    let held = EffectivePermissions::new().with("/", &privs, true);
    assert_eq!(
        missing(&held, &token(), PVE9),
        vec![],
        "Unrestricted stands in for Audit"
    );
    assert_eq!(held.holds("VM.Clone", "/vms/100"), Held::Yes { from: "/".into() });
    let narrowed = held.clone().with("/vms", &["VM.Audit"], true);
    assert_eq!(narrowed.holds("VM.Clone", "/vms/100"), Held::No);
    assert_eq!(
        narrowed.holds("VM.Audit", "/vms/100/"),
        Held::Yes { from: "/vms".into() }
    );
}
