//! How `serve` trusts Proxmox: a pinned fingerprint, a CA, or the explicit insecure opt-out;
//! nothing else starts it.

use super::super::*;
use super::{Env, message};

const PIN: &str = "5F:40:C9:3B:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:01:23:45:67:89:AB:CD:EF:10:32:54:1A";

fn trust(extra: &[(&str, &str)]) -> ProxmoxTrust {
    Env::cluster(extra)
        .serve()
        .unwrap()
        .proxmox
        .expect("cluster settings")
        .tls
}

#[test]
fn serve_without_a_pin_a_ca_or_the_opt_out_refuses_naming_each_way_out() {
    let config = Env::cluster(&[])
        .serve()
        .expect("loading alone still works (backup, rotate-key)");
    let text = message(config.require_cluster_settings().unwrap_err());
    for needed in [
        "PROXMOX_TLS_FINGERPRINT",
        "PROXMOX_CA_FILE",
        "PROXMOX_TLS_INSECURE=true",
        "nimbus proxmox-fingerprint 127.0.0.1:8006",
    ] {
        assert!(text.contains(needed), "{needed} missing from: {text}");
    }
}

#[test]
fn a_pin_a_ca_or_the_opt_out_each_let_serve_start() {
    let pinned = Env::cluster(&[("PROXMOX_TLS_FINGERPRINT", PIN)]);
    assert!(pinned.serve().unwrap().require_cluster_settings().is_ok());
    assert!(matches!(trust(&[("PROXMOX_TLS_FINGERPRINT", PIN)]), ProxmoxTrust::Fingerprint(f) if f[0] == 0x5F));
    let ca = Env::cluster(&[("PROXMOX_CA_FILE", "/etc/nimbus/pve-ca.pem")]);
    assert!(ca.serve().unwrap().require_cluster_settings().is_ok());
    let insecure = Env::cluster(&[("PROXMOX_TLS_INSECURE", "true")]);
    assert!(insecure.serve().unwrap().require_cluster_settings().is_ok());
    assert_eq!(trust(&[("PROXMOX_TLS_INSECURE", "true")]), ProxmoxTrust::Insecure);
    assert_eq!(trust(&[]), ProxmoxTrust::Missing);
    assert_eq!(trust(&[("PROXMOX_TLS_INSECURE", "false")]), ProxmoxTrust::Missing);
}

#[test]
fn the_opt_out_with_a_pin_or_a_ca_is_a_contradiction() {
    let text = message(
        Env::cluster(&[("PROXMOX_TLS_FINGERPRINT", PIN), ("PROXMOX_TLS_INSECURE", "true")])
            .serve()
            .unwrap_err(),
    );
    assert!(text.contains("PROXMOX_TLS_INSECURE"), "{text}");
    let text = message(
        Env::cluster(&[("PROXMOX_TLS_INSECURE", "yes please")])
            .serve()
            .unwrap_err(),
    );
    assert!(
        text.contains("PROXMOX_TLS_INSECURE='yes please'") && text.contains("'true' or 'false'"),
        "{text}"
    );
}

#[test]
fn plain_http_to_proxmox_is_refused_unless_the_opt_out_is_set() {
    let http = [
        ("PROXMOX_HOST", "http://127.0.0.1:8006"),
        ("PROXMOX_TLS_FINGERPRINT", PIN),
    ];
    let text = message(
        Env::cluster(&http)
            .serve()
            .unwrap()
            .require_cluster_settings()
            .unwrap_err(),
    );
    assert!(
        text.contains("PROXMOX_HOST") && text.contains("https://") && text.contains("PROXMOX_TLS_INSECURE=true"),
        "{text}"
    );
    let opted_out = Env::cluster(&[
        ("PROXMOX_HOST", "http://127.0.0.1:8006"),
        ("PROXMOX_TLS_INSECURE", "true"),
    ]);
    assert!(opted_out.serve().unwrap().require_cluster_settings().is_ok());
}
