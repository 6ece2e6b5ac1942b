//! Unit tests of the cidata writer, reader and bake recipe.

use chrono::{TimeZone, Utc};

use super::iso9660::SECTOR;
use super::*;

fn created() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 4, 5, 6, 7).unwrap()
}

fn network() -> BakeNetwork {
    BakeNetwork {
        address: "10.20.0.50/24".parse().unwrap(),
        gateway: "10.20.0.1".parse().unwrap(),
        dns: vec!["10.20.0.2".parse().unwrap(), "2001:db8::53".parse().unwrap()],
    }
}

fn text(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).unwrap()
}

#[test]
fn every_file_written_reads_back_by_its_exact_name() {
    let files: [(&str, &[u8]); 4] = [
        ("user-data", b"#cloud-config\n"),
        ("meta-data", b"instance-id: x\n"),
        ("network-config", &[7u8; 5000]),
        ("empty", b""),
    ];
    let image = write_iso("cidata", &files, created()).unwrap();
    assert_eq!(image.len() % SECTOR, 0);
    for (name, data) in files {
        assert_eq!(read_iso_file(&image, name).as_deref(), Some(data), "{name}");
    }
    assert_eq!(read_iso_file(&image, "USER-DATA"), None, "Joliet names keep their case");
    assert_eq!(read_iso_file(&image, "missing"), None);
}

#[test]
fn the_image_is_labelled_and_identical_for_identical_inputs() {
    let files: [(&str, &[u8]); 1] = [("meta-data", b"a")];
    let a = write_iso("cidata", &files, created()).unwrap();
    assert_eq!(a, write_iso("cidata", &files, created()).unwrap());
    assert_ne!(
        a,
        write_iso("cidata", &files, created() + chrono::Duration::seconds(1)).unwrap()
    );
    let pvd = &a[16 * SECTOR..17 * SECTOR];
    assert_eq!(&pvd[1..6], b"CD001");
    assert_eq!(&pvd[40..72], format!("{:<32}", "cidata").as_bytes());
    let joliet = &a[17 * SECTOR..18 * SECTOR];
    assert_eq!(joliet[0], 2);
    assert_eq!(&joliet[40..52], &[0, b'c', 0, b'i', 0, b'd', 0, b'a', 0, b't', 0, b'a']);
}

#[test]
fn without_joliet_files_are_found_by_their_primary_names() {
    let files: [(&str, &[u8]); 2] = [("user-data", b"u"), ("notes.txt", b"n")];
    let mut image = write_iso("cidata", &files, created()).unwrap();
    image[17 * SECTOR] = 0; // the Joliet descriptor becomes an unknown one
    assert_eq!(read_iso_file(&image, "user-data").as_deref(), Some(&b"u"[..]));
    assert_eq!(read_iso_file(&image, "USER_DATA").as_deref(), Some(&b"u"[..]));
    assert_eq!(read_iso_file(&image, "notes.txt").as_deref(), Some(&b"n"[..]));
}

#[test]
fn a_directory_larger_than_one_sector_keeps_every_file() {
    let names: Vec<String> = (0..MAX_FILES).map(|i| format!("{i:02}-{}", "n".repeat(60))).collect();
    let contents: Vec<Vec<u8>> = (0..MAX_FILES)
        .map(|i| vec![u8::try_from(i).unwrap(); i * 100])
        .collect();
    let files: Vec<(&str, &[u8])> = names
        .iter()
        .map(String::as_str)
        .zip(contents.iter().map(Vec::as_slice))
        .collect();
    let image = write_iso("many", &files, created()).unwrap();
    for (name, data) in &files {
        assert_eq!(read_iso_file(&image, name).as_deref(), Some(*data), "{name}");
    }
}

#[test]
fn times_outside_what_a_directory_record_holds_are_clamped_not_wrapped() {
    let files: [(&str, &[u8]); 1] = [("a", b"a")];
    let early = write_iso("x", &files, Utc.with_ymd_and_hms(1800, 1, 1, 0, 0, 0).unwrap()).unwrap();
    assert_eq!(&early[16 * SECTOR + 813..16 * SECTOR + 829], b"1900010100000000");
    let late = write_iso("x", &files, Utc.with_ymd_and_hms(2300, 1, 1, 0, 0, 0).unwrap()).unwrap();
    assert_eq!(&late[16 * SECTOR + 813..16 * SECTOR + 829], b"2155123123595900");
}

#[test]
fn bad_labels_names_and_sizes_are_refused_saying_what_to_change() {
    let ok: &[u8] = b"x";
    let err = |label: &str, files: &[(&str, &[u8])]| write_iso(label, files, created()).unwrap_err();
    assert_eq!(err("", &[]), WriteIsoError::EmptyLabel);
    assert_eq!(err("a b", &[]), WriteIsoError::LabelChar { found: ' ' });
    assert_eq!(err(&"l".repeat(17), &[]), WriteIsoError::LabelTooLong { len: 17 });
    assert_eq!(err("cidata", &[("", ok)]), WriteIsoError::EmptyName { index: 0 });
    let e = err("cidata", &[("dir/user-data", ok)]);
    assert_eq!(
        e.to_string(),
        "use only letters, digits, '.', '_' and '-' in file name 'dir/user-data' (the image has one flat directory): '/' is not allowed"
    );
    assert!(matches!(
        err("cidata", &[(&"n".repeat(65), ok)]),
        WriteIsoError::NameTooLong { len: 65, .. }
    ));
    assert!(matches!(err("cidata", &[("..", ok)]), WriteIsoError::DotName { .. }));
    let e = err("cidata", &[("user-data", ok), ("USER_data", ok)]);
    assert_eq!(
        e,
        WriteIsoError::NameClash {
            first: "user-data".into(),
            second: "USER_data".into()
        }
    );
    assert!(e.to_string().starts_with("rename 'USER_data'"), "{e}");
    let big = vec![0u8; MAX_FILE_BYTES + 1];
    assert!(matches!(
        err("cidata", &[("big", &big)]),
        WriteIsoError::FileTooBig { .. }
    ));
    let many: Vec<String> = (0..=MAX_FILES).map(|i| i.to_string()).collect();
    let files: Vec<(&str, &[u8])> = many.iter().map(|n| (n.as_str(), ok)).collect();
    assert_eq!(
        err("cidata", &files).to_string(),
        "put at most 64 files in the image (this one has 65)"
    );
}

#[test]
fn the_bake_seed_holds_meta_data_user_data_and_network_config() {
    let image = bake_iso("nimbus-bake-1", "bake-ubuntu", &network(), created()).unwrap();
    let meta = read_iso_file(&image, "meta-data").unwrap();
    assert_eq!(
        text(&meta),
        "instance-id: \"nimbus-bake-1\"\nlocal-hostname: \"bake-ubuntu\"\n"
    );
    let user = read_iso_file(&image, "user-data").unwrap();
    assert!(installs_guest_agent(text(&user)));
    let net = read_iso_file(&image, "network-config").unwrap();
    assert_eq!(
        text(&net),
        "version: 2\nethernets:\n  ens18:\n    match:\n      name: \"e*\"\n    dhcp4: false\n    dhcp6: false\n\
         \x20   addresses:\n      - 10.20.0.50/24\n    routes:\n      - to: 0.0.0.0/0\n        via: 10.20.0.1\n\
         \x20   nameservers:\n      addresses:\n        - \"10.20.0.2\"\n        - \"2001:db8::53\"\n"
    );
    let names: Vec<_> = bake_files("i", "h", &network()).into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["meta-data", "user-data", "network-config"]);
}

#[test]
fn the_bake_user_data_installs_the_agent_and_leaves_no_credentials() {
    let files = bake_files("i", "h", &network());
    let user = text(&files[1].1).to_owned();
    assert_eq!(
        user,
        "#cloud-config\npackage_update: true\npackages:\n  - qemu-guest-agent\nruncmd:\n  \
         - [systemctl, enable, qemu-guest-agent]\n  - [systemctl, start, qemu-guest-agent]\n"
    );
    for word in ["users", "password", "passwd", "chpasswd", "ssh", "key"] {
        assert!(!user.contains(word), "the bake user-data must not mention {word}");
    }
}

#[test]
fn no_network_config_without_nameservers_names_any() {
    let mut net = network();
    net.dns.clear();
    let files = bake_files("i", "h", &net);
    assert!(!text(&files[2].1).contains("nameservers"));
}

#[test]
fn identifiers_cannot_add_keys_to_the_meta_data() {
    let files = bake_files("id\"\nx: 1", "h\\", &network());
    assert_eq!(
        text(&files[0].1),
        "instance-id: \"id\\\"\\u000ax: 1\"\nlocal-hostname: \"h\\\\\"\n"
    );
}

#[test]
fn the_bake_iso_name_uses_only_characters_proxmox_keeps() {
    assert_eq!(
        bake_iso_name("pve1", "ubuntu-24.04"),
        "nimbus-bake-ubuntu-24.04-pve1.iso"
    );
    assert_eq!(
        bake_iso_name("node a/b", "debian-12"),
        "nimbus-bake-debian-12-node_a_b.iso"
    );
}

#[test]
fn user_data_that_installs_and_starts_the_agent_is_recognised_in_its_usual_spellings() {
    let yes = [
        "#cloud-config\npackages: [qemu-guest-agent]\nruncmd: [[systemctl, start, qemu-guest-agent]]\n",
        "#cloud-config\npackages:\n- curl\n- qemu-guest-agent # the agent\nruncmd:\n- systemctl enable --now qemu-guest-agent.service\n",
        "#cloud-config\npackages:\n  - [qemu-guest-agent, \"1:8.2\"]\nruncmd:\n  - 'apt-get clean && /usr/bin/systemctl restart qemu-guest-agent'\n",
        "#cloud-config\npackages:\n  - \"qemu-guest-agent\"\nruncmd:\n  - [systemctl,\n     start, qemu-guest-agent]\n",
    ];
    for user_data in yes {
        assert!(installs_guest_agent(user_data), "{user_data}");
    }
}

#[test]
fn user_data_missing_the_install_or_the_start_does_not_bring_the_agent_up() {
    let no = [
        "",
        "packages: [qemu-guest-agent]\nruncmd: [[systemctl, start, qemu-guest-agent]]\n",
        "#cloud-config\nruncmd:\n  - [systemctl, start, qemu-guest-agent]\n",
        "#cloud-config\npackages:\n  - qemu-guest-agent\n",
        "#cloud-config\npackages:\n  - qemu-guest-agent\nruncmd:\n  - [systemctl, enable, qemu-guest-agent]\n",
        "#cloud-config\npackages:\n  - qemu-guest-agent\nruncmd:\n  - [systemctl, stop, qemu-guest-agent]\n",
        "#cloud-config\npackages:\n  - qemu-guest-agent\nruncmd:\n  - [systemctl, start, ssh]\n",
        "#cloud-config\npackages:\n  - curl\nruncmd:\n  - [systemctl, start, qemu-guest-agent]\n",
        "#cloud-config\n# packages:\n#  - qemu-guest-agent\nruncmd:\n  - [systemctl, start, qemu-guest-agent]\n",
        "#cloud-config\npackages:\n  - qemu-guest-agent\nwrite_files:\n  - content: systemctl start qemu-guest-agent\n",
    ];
    for user_data in no {
        assert!(!installs_guest_agent(user_data), "{user_data}");
    }
}

#[test]
fn the_recipe_version_is_one() {
    assert_eq!(BAKE_VERSION, 1);
    assert_eq!(CIDATA_LABEL, "cidata");
}
