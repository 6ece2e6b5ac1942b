//! PVE wire-fidelity checker: the 8.4 endpoint facts (`tests/fixtures/pve/8.4/endpoints.json`) and
//! `check_request` / `check_response`, which judge recorded `Exchange`s against them. The tests
//! here exercise the checker itself on hand-written exchanges; no server is started.
//!
//! To check a live face, record each call as an [`schema::Exchange`] and assert that
//! `check_request(&ex)` and `check_response(&ex)` are empty.

// Also the support library of `proxmox_contract::fidelity`, which checks the live REST face:
// not every helper is used by both.
#![allow(dead_code)]

pub mod formats;
mod request;
mod request_tests;
mod response;
mod response_tests;
pub mod schema;

pub use request::check_request;
pub use response::check_response;
use schema::{Kind, endpoint_for, endpoints, fixture};

/// Fails with every violation listed unless there are none.
#[track_caller]
fn assert_clean(violations: Vec<String>) {
    assert!(
        violations.is_empty(),
        "expected no violations, got:\n{}",
        violations.join("\n")
    );
}

/// Fails unless some violation mentions every one of `needles`.
#[track_caller]
fn assert_flags(violations: Vec<String>, needles: &[&str]) {
    assert!(
        violations.iter().any(|v| needles.iter().all(|n| v.contains(n))),
        "expected a violation mentioning {needles:?}, got:\n{}",
        if violations.is_empty() {
            "(none)".to_string()
        } else {
            violations.join("\n")
        }
    );
}

/// The endpoints the brief names, all of which the fixture must describe.
const REQUIRED: &[(&str, &str)] = &[
    ("GET", "/version"),
    ("GET", "/nodes"),
    ("GET", "/nodes/{node}/status"),
    ("GET", "/cluster/resources"),
    ("GET", "/cluster/nextid"),
    ("GET", "/nodes/{node}/qemu"),
    ("POST", "/nodes/{node}/qemu"),
    ("GET", "/nodes/{node}/qemu/{vmid}/status/current"),
    ("GET", "/nodes/{node}/qemu/{vmid}/config"),
    ("POST", "/nodes/{node}/qemu/{vmid}/config"),
    ("PUT", "/nodes/{node}/qemu/{vmid}/config"),
    ("POST", "/nodes/{node}/qemu/{vmid}/clone"),
    ("PUT", "/nodes/{node}/qemu/{vmid}/resize"),
    ("POST", "/nodes/{node}/qemu/{vmid}/status/start"),
    ("POST", "/nodes/{node}/qemu/{vmid}/status/stop"),
    ("POST", "/nodes/{node}/qemu/{vmid}/status/shutdown"),
    ("POST", "/nodes/{node}/qemu/{vmid}/status/reboot"),
    ("DELETE", "/nodes/{node}/qemu/{vmid}"),
    ("POST", "/nodes/{node}/qemu/{vmid}/template"),
    ("GET", "/nodes/{node}/qemu/{vmid}/agent/network-get-interfaces"),
    ("POST", "/nodes/{node}/qemu/{vmid}/agent/exec"),
    ("GET", "/nodes/{node}/qemu/{vmid}/agent/exec-status"),
    ("POST", "/nodes/{node}/qemu/{vmid}/agent/file-write"),
    ("GET", "/nodes/{node}/storage"),
    ("GET", "/nodes/{node}/storage/{storage}/status"),
    ("GET", "/nodes/{node}/storage/{storage}/content"),
    ("POST", "/nodes/{node}/storage/{storage}/download-url"),
    ("POST", "/nodes/{node}/storage/{storage}/upload"),
    ("DELETE", "/nodes/{node}/storage/{storage}/content/{volume}"),
    ("GET", "/nodes/{node}/tasks/{upid}/status"),
    ("GET", "/nodes/{node}/tasks/{upid}/log"),
    // The access control the setup wizard needs.
    ("GET", "/cluster/status"),
    ("GET", "/access/permissions"),
    ("POST", "/access/users"),
    ("POST", "/access/roles"),
    ("PUT", "/access/roles/{roleid}"),
    ("PUT", "/access/acl"),
    ("POST", "/access/users/{userid}/token/{tokenid}"),
    ("POST", "/access/ticket"),
];

#[test]
fn the_fixture_describes_exactly_the_endpoints_in_scope() {
    let mut listed: Vec<(&str, &str)> = endpoints()
        .iter()
        .map(|e| (e.method.as_str(), e.path.as_str()))
        .collect();
    listed.sort();
    let mut wanted = REQUIRED.to_vec();
    wanted.sort();
    assert_eq!(listed, wanted);
    let f = fixture();
    assert_eq!(f.pve_version, "8.4");
    assert_eq!(f.api_base, "/api2/json");
    assert!(f.source.contains("ported by hand"), "source note: {}", f.source);
}

#[test]
fn every_path_placeholder_is_a_required_path_parameter_and_vice_versa() {
    for e in endpoints() {
        let placeholders: Vec<&str> = e
            .path
            .split('/')
            .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .collect();
        for name in &placeholders {
            let p = e
                .params
                .get(*name)
                .unwrap_or_else(|| panic!("{} {}: no param {name}", e.method, e.path));
            assert!(
                p.path && !p.optional,
                "{} {}: {name} must be a required path param",
                e.method,
                e.path
            );
        }
        for (name, p) in &e.params {
            assert_eq!(
                p.path,
                placeholders.contains(&name.as_str()),
                "{} {}: {name}",
                e.method,
                e.path
            );
        }
    }
}

#[test]
fn every_named_format_is_documented_and_every_checked_one_has_a_validator() {
    let f = fixture();
    let mut named: Vec<&str> = endpoints()
        .iter()
        .flat_map(|e| e.params.values())
        .chain(f.config.keys.values())
        .filter_map(|p| p.format.as_deref())
        .chain(f.config.families.iter().filter_map(|fam| fam.format.as_deref()))
        .collect();
    named.sort();
    named.dedup();
    for format in &named {
        if formats::CHECKED_FORMATS.contains(format) {
            assert!(
                f.formats.contains_key(*format),
                "checked format {format} is not described in the fixture"
            );
        }
    }
    for format in formats::CHECKED_FORMATS {
        assert!(
            named.contains(format),
            "validator for {format}, which no parameter uses"
        );
    }
    for e in endpoints() {
        for p in e.params.values() {
            if let Some(pattern) = &p.pattern {
                assert!(
                    formats::CHECKED_PATTERNS.contains(&pattern.as_str()),
                    "no validator for {pattern}"
                );
            }
        }
    }
}

#[test]
fn concrete_paths_match_their_templates() {
    let cases = [
        ("GET", "/nodes/pve1/qemu/100/config", "/nodes/{node}/qemu/{vmid}/config"),
        (
            "get",
            "/nodes/pve1/qemu/100/config/",
            "/nodes/{node}/qemu/{vmid}/config",
        ),
        ("POST", "/nodes/pve1/qemu", "/nodes/{node}/qemu"),
        ("DELETE", "/nodes/pve1/qemu/100?purge=1", "/nodes/{node}/qemu/{vmid}"),
        (
            "GET",
            "/nodes/pve1/qemu/100/status/current",
            "/nodes/{node}/qemu/{vmid}/status/current",
        ),
        ("GET", "/nodes/pve1/status", "/nodes/{node}/status"),
        (
            "GET",
            "/nodes/pve1/storage/local/status",
            "/nodes/{node}/storage/{storage}/status",
        ),
        (
            "GET",
            "/nodes/pve1/tasks/UPID%3Apve1%3A0001A2B3%3A00C0FFEE%3A6650A1B2%3Aqmclone%3A9000%3Aroot%40pam%3A/status",
            "/nodes/{node}/tasks/{upid}/status",
        ),
    ];
    for (method, path, template) in cases {
        let e = endpoint_for(method, path).unwrap_or_else(|| panic!("{method} {path} matched nothing"));
        assert_eq!(e.path, template, "{method} {path}");
    }
    assert!(endpoint_for("GET", "/nodes/pve1/lxc").is_none());
    assert!(endpoint_for("PATCH", "/nodes/pve1/qemu/100/config").is_none());
    assert!(endpoint_for("GET", "/nodes//qemu").is_none());
    let values = schema::path_values(
        "/nodes/{node}/tasks/{upid}/log",
        "/nodes/pve1/tasks/UPID%3Apve1%3A0001A2B3%3A00C0FFEE%3A6650A1B2%3Aqmstart%3A100%3Aroot%40pam%3A/log",
    )
    .unwrap();
    assert_eq!(
        values[1].1,
        "UPID:pve1:0001A2B3:00C0FFEE:6650A1B2:qmstart:100:root@pam:"
    );
}

#[test]
fn the_wire_overrides_reshape_the_replies_they_name() {
    let nextid = endpoint_for("GET", "/cluster/nextid").unwrap();
    assert_eq!(nextid.returns.kind, Kind::Integer);
    assert_eq!(nextid.wire.kind, Kind::String);
    assert!(nextid.wire.digits);
    let agent = endpoint_for("GET", "/nodes/pve1/qemu/100/agent/network-get-interfaces").unwrap();
    assert_eq!(agent.wire.properties["result"].kind, Kind::Array);
    let log = endpoint_for("GET", "/nodes/pve1/tasks/x/log").unwrap();
    assert_eq!(log.envelope["total"].kind, Kind::Integer);
    let nodes = endpoint_for("GET", "/nodes").unwrap();
    let item = nodes.wire.items.as_deref().unwrap();
    assert!(item.properties.contains_key("maxdisk") && item.properties.contains_key("node"));
    let status = endpoint_for("GET", "/nodes/pve1/status").unwrap();
    let cpuinfo = &status.wire.properties["cpuinfo"];
    assert_eq!(cpuinfo.properties["mhz"].kind, Kind::String);
    assert!(
        !cpuinfo.properties["cores"].optional,
        "merging keeps the declared properties"
    );
}

#[test]
fn config_families_cover_their_indices_and_nothing_more() {
    for (key, known) in [
        ("net0", true),
        ("net31", true),
        ("net32", false),
        ("net01", false),
        ("ipconfig31", true),
        ("scsi30", true),
        ("scsi31", false),
        ("ide3", true),
        ("ide4", false),
        ("virtio15", true),
        ("sata5", true),
        ("sata6", false),
        ("unused255", true),
        ("serial0", true),
        ("acpi", true),
        ("cores", true),
        ("net", false),
        ("bogus", false),
    ] {
        assert_eq!(schema::config_key(key).is_some(), known, "{key}");
    }
    assert_eq!(schema::config_key("cores").unwrap().kind, Kind::Integer);
    assert_eq!(schema::config_key("memory").unwrap().kind, Kind::String);
    assert_eq!(schema::config_key("template").unwrap().kind, Kind::Boolean);
}

#[test]
fn upids_parse_strictly() {
    let upid = formats::parse_upid("UPID:pve1:0001A2B3:00C0FFEE:6650A1B2:qmclone:9000:root@pam!nimbus:").unwrap();
    assert_eq!(
        (upid.node.as_str(), upid.kind.as_str(), upid.id.as_str()),
        ("pve1", "qmclone", "9000")
    );
    assert_eq!(upid.pid, 0x0001_A2B3);
    assert!(formats::parse_upid("UPID:pve1:0001A2B3:000C0FFEE:6650A1B2:imgcopy::root@pam:").is_ok());
    for bad in [
        "UPID:node1:001:stop:42",
        "UPID:pve1:0001A2B3:00C0FFEE:6650A1B2:qmclone:9000:root@pam",
        "UPID:pve1:1A2B3:00C0FFEE:6650A1B2:qmclone:9000:root@pam:",
        "UPID:pve1:0001A2B3:00C0FFEE:6650A1B2:qmclone:9000:root:",
        "upid:pve1:0001A2B3:00C0FFEE:6650A1B2:qmclone:9000:root@pam:",
    ] {
        assert!(formats::parse_upid(bad).is_err(), "{bad}");
    }
}
