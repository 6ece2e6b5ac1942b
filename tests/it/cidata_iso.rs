//! The bake's `cidata` ISO as an independent reader sees it: `isoinfo` (Debian's `genisoimage`)
//! reads the volume label, the Joliet names exactly as cloud-init's NoCloud datasource expects
//! them, and each file's bytes. `make test` installs `isoinfo` when it runs as root; without it
//! these tests fail saying how to install it.

use std::path::Path;
use std::process::Command;

use chrono::{TimeZone, Utc};
use nimbus::domain::cidata::{BakeNetwork, bake_files, bake_iso, write_iso};

fn isoinfo(image: &Path, args: &[&str]) -> Vec<u8> {
    let out = Command::new("isoinfo")
        .arg("-i")
        .arg(image)
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run isoinfo ({e}): install Debian's genisoimage package \
                 (sudo apt-get install -y genisoimage), or run `make test` as root, which installs it"
            )
        });
    assert!(
        out.status.success(),
        "isoinfo {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn network() -> BakeNetwork {
    BakeNetwork {
        address: "192.168.50.20/24".parse().unwrap(),
        gateway: "192.168.50.1".parse().unwrap(),
        dns: vec!["192.168.50.1".parse().unwrap()],
    }
}

#[test]
fn isoinfo_reads_the_bake_seeds_label_joliet_names_and_contents() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("seed.iso");
    let created = Utc.with_ymd_and_hms(2025, 5, 6, 7, 8, 9).unwrap();
    std::fs::write(
        &path,
        bake_iso("bake-1", "bake-debian-12", &network(), created).unwrap(),
    )
    .unwrap();

    let info = String::from_utf8(isoinfo(&path, &["-d"])).unwrap();
    assert!(info.contains("Volume id: cidata"), "{info}");
    assert!(info.contains("Joliet"), "no Joliet volume reported: {info}");

    let listing = String::from_utf8(isoinfo(&path, &["-J", "-l"])).unwrap();
    let names: Vec<&str> = listing
        .lines()
        .filter(|l| l.starts_with('-'))
        .filter_map(|l| l.split_whitespace().last())
        .collect();
    assert_eq!(names, ["meta-data", "network-config", "user-data"], "{listing}");

    for (name, data) in bake_files("bake-1", "bake-debian-12", &network()) {
        assert_eq!(isoinfo(&path, &["-J", "-x", &format!("/{name}")]), data, "{name}");
    }
}

#[test]
fn isoinfo_reads_larger_files_and_the_primary_names() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.iso");
    let big: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
    let files: [(&str, &[u8]); 3] = [("user-data", &big), ("meta-data", b""), ("vendor.data.yaml", b"v")];
    let created = Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap();
    std::fs::write(&path, write_iso("CIDATA", &files, created).unwrap()).unwrap();

    assert_eq!(isoinfo(&path, &["-J", "-x", "/user-data"]), big);
    assert_eq!(isoinfo(&path, &["-J", "-x", "/meta-data"]), b"");
    assert_eq!(isoinfo(&path, &["-J", "-x", "/vendor.data.yaml"]), b"v");
    let primary = String::from_utf8(isoinfo(&path, &["-l"])).unwrap();
    for name in ["USER_DATA.;1", "META_DATA.;1", "VENDOR_DATA.YAML;1"] {
        assert!(primary.contains(name), "{name} missing from {primary}");
    }
    assert_eq!(isoinfo(&path, &["-x", "/USER_DATA.;1"]), big);
}
