//! Proxmox VE's privileges and built-in roles, as pve-access-control defines them: privileges in
//! groups (VM, Sys, Datastore, SDN, User, Pool, Mapping) split by who should hold them (root,
//! admin, user, audit), and the roles made from the groups (`PVEVMAdmin`, `PVEAuditor`, …).
//! PVE 9 replaced `VM.Monitor` with the `VM.GuestAgent.*` privileges; 8.1 added
//! `Sys.AccessNetwork`.

use std::collections::{BTreeMap, BTreeSet};

use crate::domain::proxmox_privileges::PveRelease;

/// (category, root, admin, user, audit) privileges.
type Group = (
    &'static str,
    Vec<&'static str>,
    Vec<&'static str>,
    Vec<&'static str>,
    Vec<&'static str>,
);

fn groups(release: PveRelease) -> Vec<Group> {
    let mut vm_admin = vec![
        "VM.Config.Disk",
        "VM.Config.CPU",
        "VM.Config.Memory",
        "VM.Config.Network",
        "VM.Config.HWType",
        "VM.Config.Options",
        "VM.Allocate",
        "VM.Clone",
        "VM.Migrate",
        "VM.Replicate",
        "VM.Snapshot",
        "VM.Snapshot.Rollback",
    ];
    let mut vm_user = vec![
        "VM.Config.CDROM",
        "VM.Config.Cloudinit",
        "VM.Console",
        "VM.Backup",
        "VM.PowerMgmt",
    ];
    let mut vm_audit = vec!["VM.Audit"];
    if release.has_guest_agent_privileges() {
        vm_admin.push("VM.GuestAgent.Unrestricted");
        vm_user.extend([
            "VM.GuestAgent.FileRead",
            "VM.GuestAgent.FileSystemMgmt",
            "VM.GuestAgent.FileWrite",
        ]);
        vm_audit.push("VM.GuestAgent.Audit");
    } else {
        vm_admin.push("VM.Monitor");
    }
    let mut sys_root = vec!["Sys.PowerMgmt", "Sys.Modify", "Sys.Incoming"];
    if release.has_access_network() {
        sys_root.push("Sys.AccessNetwork");
    }
    vec![
        ("VM", vec![], vm_admin, vm_user, vm_audit),
        (
            "Sys",
            sys_root,
            vec!["Sys.Console", "Sys.Syslog"],
            vec![],
            vec!["Sys.Audit"],
        ),
        (
            "Datastore",
            vec![],
            vec!["Datastore.Allocate", "Datastore.AllocateTemplate"],
            vec!["Datastore.AllocateSpace"],
            vec!["Datastore.Audit"],
        ),
        (
            "SDN",
            vec![],
            vec!["SDN.Allocate", "SDN.Audit"],
            vec!["SDN.Use"],
            vec!["SDN.Audit"],
        ),
        (
            "User",
            vec!["Realm.Allocate"],
            vec!["User.Modify", "Group.Allocate", "Realm.AllocateUser"],
            vec![],
            vec![],
        ),
        (
            "Pool",
            vec![],
            vec!["Pool.Allocate"],
            vec!["Pool.Audit"],
            vec!["Pool.Audit"],
        ),
        (
            "Mapping",
            vec![],
            vec!["Mapping.Modify"],
            vec!["Mapping.Use"],
            vec!["Mapping.Audit"],
        ),
    ]
}

/// Every privilege name `release` knows.
pub(super) fn valid_privileges(release: PveRelease) -> BTreeSet<&'static str> {
    let mut all: BTreeSet<&'static str> = BTreeSet::from(["Permissions.Modify"]);
    for (_, root, admin, user, audit) in groups(release) {
        all.extend(root.into_iter().chain(admin).chain(user).chain(audit));
    }
    all
}

/// The built-in roles of `release`, which cannot be changed.
pub(super) fn builtin_roles(release: PveRelease) -> BTreeMap<String, BTreeSet<String>> {
    let mut roles: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut add = |role: String, privs: &[&'static str]| {
        roles
            .entry(role)
            .or_default()
            .extend(privs.iter().map(|p| (*p).to_owned()));
    };
    add("NoAccess".into(), &[]);
    let all: Vec<&str> = valid_privileges(release).into_iter().collect();
    add("Administrator".into(), &all);
    for (cat, _, admin, user, audit) in groups(release) {
        let everything: Vec<&str> = admin.iter().chain(&user).chain(&audit).copied().collect();
        add(format!("PVE{cat}Admin"), &everything);
        if cat != "Mapping" {
            add("PVEAdmin".into(), &everything);
        } else {
            let no_modify: Vec<&str> = everything.iter().copied().filter(|p| *p != "Mapping.Modify").collect();
            add("PVEAdmin".into(), &no_modify);
        }
        if !user.is_empty() {
            let user_audit: Vec<&str> = user.iter().chain(&audit).copied().collect();
            add(format!("PVE{cat}User"), &user_audit);
        }
        add("PVEAuditor".into(), &audit);
    }
    add("PVETemplateUser".into(), &["VM.Clone", "VM.Audit"]);
    roles
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_roles_follow_proxmox_s_groups() {
        let nine = builtin_roles(PveRelease::new(9, 0));
        assert!(nine["PVEVMAdmin"].contains("VM.Clone") && nine["PVEVMAdmin"].contains("VM.GuestAgent.Audit"));
        assert!(!nine["PVEVMAdmin"].contains("Sys.Audit"));
        assert_eq!(
            nine["PVEAuditor"].iter().map(String::as_str).collect::<Vec<_>>(),
            vec![
                "Datastore.Audit",
                "Mapping.Audit",
                "Pool.Audit",
                "SDN.Audit",
                "Sys.Audit",
                "VM.Audit",
                "VM.GuestAgent.Audit"
            ]
        );
        assert!(nine["Administrator"].contains("Sys.AccessNetwork"));
        assert!(!nine["PVEAdmin"].contains("Mapping.Modify") && !nine["PVEAdmin"].contains("Sys.Modify"));
        let eight = builtin_roles(PveRelease::new(8, 4));
        assert!(eight["PVEVMAdmin"].contains("VM.Monitor"));
        assert!(!valid_privileges(PveRelease::new(8, 4)).contains("VM.GuestAgent.Audit"));
    }
}
