//! Form encoding, `sshkeys`, path segments and the response envelope.

use serde_json::json;

use crate::adapters::proxmox::http::encode_sshkeys;
use crate::adapters::proxmox::http::wire::{
    Params, config_params, envelope, power_params, preview, segment, size_param,
};
use crate::ports::proxmox::{ConfigChange, DiskSize, PowerOp, ProxmoxError};

#[test]
fn booleans_go_out_as_zero_and_one() {
    let form = Params::new().flag("full", true).flag("forceStop", false).encode();
    assert_eq!(form, "full=1&forceStop=0");
}

#[test]
fn array_parameters_repeat_their_key_in_order() {
    let command = vec!["/bin/sh".to_owned(), "-c".to_owned(), "echo hi > /tmp/x".to_owned()];
    let form = Params::new()
        .repeated("command", &command)
        .maybe("input-data", Some("a=b&c"))
        .encode();
    assert_eq!(
        form,
        "command=%2Fbin%2Fsh&command=-c&command=echo+hi+%3E+%2Ftmp%2Fx&input-data=a%3Db%26c"
    );
}

#[test]
fn form_values_encode_space_as_plus_and_percent_as_percent_25() {
    assert_eq!(
        Params::new().add("description", "50% done; ok").encode(),
        "description=50%25+done%3B+ok"
    );
    assert_eq!(Params::new().maybe("name", None::<&str>).encode(), "");
    assert!(Params::new().is_empty());
}

#[test]
fn sshkeys_are_percent_encoded_with_percent_20_for_a_space() {
    assert_eq!(encode_sshkeys(&["ssh-ed25519 AAAA x@y"]), "ssh-ed25519%20AAAA%20x%40y");
    assert_eq!(
        encode_sshkeys(&["ssh-rsa AB+/= a@b", "ssh-ed25519 CD c:d"]),
        "ssh-rsa%20AB%2B%2F%3D%20a%40b%0Assh-ed25519%20CD%20c%3Ad"
    );
    assert_eq!(encode_sshkeys(&["-_.!~*'()azAZ09"]), "-_.!~*'()azAZ09");
    assert_eq!(encode_sshkeys(&[]), "");
    assert_eq!(encode_sshkeys(&["é"]), "%C3%A9");
}

#[test]
fn encoded_sshkeys_only_use_the_characters_proxmox_allows() {
    let value = encode_sshkeys(&["ssh-ed25519 AAAAC3Nza+/== me@host\r", "sk-x y"]);
    assert!(
        value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-%_.!~*'()".contains(c)),
        "{value}"
    );
}

#[test]
fn sshkeys_are_double_encoded_on_the_wire() {
    let change = ConfigChange {
        set: vec![("sshkeys".into(), encode_sshkeys(&["ssh-ed25519 AAAA x@y"]))],
        ..ConfigChange::default()
    };
    assert_eq!(
        config_params(&change).encode(),
        "sshkeys=ssh-ed25519%2520AAAA%2520x%2540y"
    );
}

#[test]
fn config_changes_send_delete_as_a_comma_list_and_the_digest_only_when_set() {
    let change = ConfigChange {
        set: vec![("cores".into(), "4".into()), ("name".into(), "web-1".into())],
        delete: vec!["ide2".into(), "unused0".into()],
        digest: Some("abc123".into()),
    };
    assert_eq!(
        config_params(&change).encode(),
        "cores=4&name=web-1&delete=ide2%2Cunused0&digest=abc123"
    );
    let plain = ConfigChange {
        set: vec![("memory".into(), "2048".into())],
        ..ConfigChange::default()
    };
    assert_eq!(config_params(&plain).encode(), "memory=2048");
}

#[test]
fn resize_sizes_are_bytes_and_a_plus_grows() {
    assert_eq!(size_param(DiskSize::Absolute(34_359_738_368)), "34359738368");
    assert_eq!(size_param(DiskSize::Grow(1024)), "+1024");
    assert_eq!(
        Params::new().add("size", size_param(DiskSize::Grow(5))).encode(),
        "size=%2B5"
    );
}

#[test]
fn only_shutdown_carries_power_parameters() {
    let polite = PowerOp::Shutdown {
        timeout_secs: 30,
        force_stop: false,
    };
    assert_eq!(power_params(polite).encode(), "timeout=30&forceStop=0");
    let forced = PowerOp::Shutdown {
        timeout_secs: 5,
        force_stop: true,
    };
    assert_eq!(power_params(forced).encode(), "timeout=5&forceStop=1");
    for op in [PowerOp::Start, PowerOp::Stop, PowerOp::Reboot] {
        assert!(power_params(op).is_empty(), "{op:?}");
    }
}

#[test]
fn path_segments_keep_colons_and_encode_token_characters() {
    assert_eq!(
        segment("UPID:pve:00061CB3:010BA69C:64EFECB0:qmcreate:101:nimbus@pve!api:"),
        "UPID:pve:00061CB3:010BA69C:64EFECB0:qmcreate:101:nimbus%40pve%21api:"
    );
    assert_eq!(segment("local-lvm"), "local-lvm");
    assert_eq!(segment("a/b c"), "a%2Fb%20c");
}

#[test]
fn the_envelope_yields_data_and_the_total_of_paged_lists() {
    let reply = envelope(br#"{"data":[{"n":1,"t":"x"}],"total":"7"}"#).expect("envelope");
    assert_eq!(reply.data, json!([{"n": 1, "t": "x"}]));
    assert_eq!(reply.total, Some(7));
    let null = envelope(br#"{"data":null}"#).expect("null data");
    assert_eq!((null.data, null.total), (serde_json::Value::Null, None));
}

#[test]
fn an_answer_without_an_envelope_is_unavailable() {
    for body in [&b"<html>proxy error</html>"[..], b"", b"[1,2]", br#"{"errors":{}}"#] {
        match envelope(body) {
            Err(ProxmoxError::Unavailable(text)) => assert!(text.contains("unexpected answer"), "{text}"),
            other => panic!("{body:?}: {other:?}"),
        }
    }
}

#[test]
fn previews_of_long_bodies_are_cut() {
    let long = "x".repeat(500);
    let cut = preview(long.as_bytes());
    assert_eq!(cut.chars().count(), 201);
    assert!(cut.ends_with('…'));
    assert_eq!(preview(b"short"), "short");
}
