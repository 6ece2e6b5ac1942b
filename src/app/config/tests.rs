//! Configuration tests: precedence of the sources, defaults, and one test per failure kind.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use super::*;
use crate::domain::clone_mode::CloneMode;
use crate::domain::netscan::NetscanMode;

mod auth;
mod proxmox_trust;

const CLUSTER: &[(&str, &str)] = &[
    ("PROXMOX_HOST", "https://127.0.0.1:8006/"),
    ("PROXMOX_TOKEN_ID", "root@pam!nimbus"),
    ("PROXMOX_TOKEN_SECRET", "s3cret-value"),
    ("IP_POOL_START", "127.0.77.10"),
    ("IP_POOL_END", "127.0.77.200"),
    ("GATEWAY_IP", "127.0.77.1"),
];

struct Env {
    dir: tempfile::TempDir,
    vars: BTreeMap<String, String>,
}

impl Env {
    fn new(pairs: &[(&str, &str)]) -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
            vars: pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        }
    }

    fn cluster(extra: &[(&str, &str)]) -> Self {
        let mut env = Self::new(CLUSTER);
        for (k, v) in extra {
            env.vars.insert(k.to_string(), v.to_string());
        }
        env
    }

    fn sources(&self) -> Sources {
        Sources {
            env: self.vars.clone(),
            cwd: self.dir.path().to_path_buf(),
            system_env_file: self.dir.path().join("no-such-system-file.env"),
        }
    }

    fn write(&self, name: &str, text: &str) -> std::path::PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    fn serve(&self) -> Result<Config, ConfigError> {
        Config::load(Mode::Serve, &self.sources())
    }
}

fn message(err: ConfigError) -> String {
    let text = err.to_string();
    assert!(!text.contains('\n'), "errors are one line: {text}");
    text
}

#[test]
fn defaults_match_the_documented_values() {
    let c = Env::cluster(&[]).serve().unwrap();
    assert_eq!(c.server.port, 8080);
    assert_eq!(c.server.bind_addr.to_string(), "0.0.0.0");
    assert_eq!(c.server.db_path, Path::new("/var/lib/nimbus/nimbus.db"));
    assert!(c.server.app_url.is_none() && c.server.cors_origins.is_empty());
    assert_eq!(c.placement.cpu_type, "x86-64-v3");
    assert_eq!(c.placement.disk_storage.as_deref(), Some("local-lvm"));
    assert_eq!(c.placement.mem_buffer_mib, 256);
    assert_eq!(c.placement.cpu_load_factor.get(), 0.5);
    assert_eq!(c.placement.clone_mode, CloneMode::Full);
    assert_eq!(c.placement.clone_concurrency_per_node.get(), 2);
    assert_eq!(c.reconcile.interval, Some(Duration::from_secs(60)));
    assert_eq!(c.reconcile.reservation_ttl, Duration::from_secs(600));
    assert_eq!(c.reconcile.vacate_miss_threshold.map(|n| n.get()), Some(3));
    assert_eq!(c.netscan.mode, NetscanMode::Both);
    assert_eq!(c.netscan.timeout, Duration::from_millis(200));
    assert_eq!(c.readiness.timeout, Duration::from_secs(300));
    assert_eq!(c.dns.search_domain, "local");
    assert_eq!(c.dns.nameservers.len(), 2);
    assert_eq!(c.proxmox.as_ref().unwrap().template_base_vmid, 9000);
    assert_eq!(c.proxmox.as_ref().unwrap().host.as_str(), "https://127.0.0.1:8006/");
    assert_eq!(c.network.as_ref().unwrap().prefix().get(), 24);
    assert!(c.missing.is_empty());
}

#[test]
fn explicit_zero_and_off_really_turn_knobs_off() {
    let c = Env::cluster(&[
        ("RECONCILE_INTERVAL_SECONDS", "0"),
        ("NIMBUS_NETSCAN_INTERVAL_SECONDS", "0"),
        ("NIMBUS_NETSCAN_MODE", "off"),
        ("VACATE_MISS_THRESHOLD", "0"),
        ("VERIFY_CACHE_TTL_SECONDS", "0"),
        ("NIMBUS_MEM_BUFFER_MIB", "0"),
        ("NIMBUS_VM_DISK_STORAGE", ""),
    ])
    .serve()
    .unwrap();
    assert_eq!(c.reconcile.interval, None);
    assert_eq!(c.netscan.interval, None);
    assert_eq!(c.netscan.mode, NetscanMode::Off);
    assert_eq!(c.reconcile.vacate_miss_threshold, None);
    assert_eq!(c.reconcile.verify_cache_ttl, Duration::ZERO);
    assert_eq!(c.placement.mem_buffer_mib, 0);
    assert_eq!(c.placement.disk_storage, None);
    let off = Env::cluster(&[("NIMBUS_VM_DISK_STORAGE", "off")]).serve().unwrap();
    assert_eq!(off.placement.disk_storage, None);
}

#[test]
fn an_unparsable_port_names_the_variable_and_the_expected_form() {
    let text = message(Env::cluster(&[("PORT", "abc")]).serve().unwrap_err());
    assert_eq!(
        text,
        "invalid setting PORT='abc': expected a whole number from 0 to 65535"
    );
}

#[test]
fn a_pool_that_ends_before_it_starts_is_refused_even_before_other_settings_are_given() {
    let env = Env::new(&[("IP_POOL_START", "127.0.77.9"), ("IP_POOL_END", "127.0.77.1")]);
    let text = message(env.serve().unwrap_err());
    assert!(text.starts_with("invalid setting IP_POOL_END='127.0.77.1'"), "{text}");
    assert!(text.contains("IP_POOL_START=127.0.77.9"), "{text}");
}

#[test]
fn an_unparsable_ip_is_refused() {
    let text = message(Env::cluster(&[("IP_POOL_START", "127.0.77.300")]).serve().unwrap_err());
    assert!(
        text.starts_with("invalid setting IP_POOL_START='127.0.77.300': expected an IPv4 address"),
        "{text}"
    );
}

#[test]
fn a_gateway_outside_the_subnet_or_inside_the_pool_is_refused() {
    let outside = message(Env::cluster(&[("GATEWAY_IP", "127.0.78.1")]).serve().unwrap_err());
    assert!(
        outside.contains("GATEWAY_IP='127.0.78.1'") && outside.contains("outside"),
        "{outside}"
    );
    let inside = message(Env::cluster(&[("GATEWAY_IP", "127.0.77.50")]).serve().unwrap_err());
    assert!(
        inside.contains("GATEWAY_IP='127.0.77.50'") && inside.contains("inside the pool"),
        "{inside}"
    );
}

#[test]
fn a_load_factor_outside_its_range_is_refused() {
    for bad in ["0.2", "1.5", "half"] {
        let text = message(Env::cluster(&[("NIMBUS_CPU_LOAD_FACTOR", bad)]).serve().unwrap_err());
        assert!(text.contains("expected a number from 0.25 to 1.0"), "{text}");
    }
}

#[test]
fn a_negative_memory_buffer_is_refused_instead_of_wrapping() {
    let text = message(Env::cluster(&[("NIMBUS_MEM_BUFFER_MIB", "-1")]).serve().unwrap_err());
    assert!(text.starts_with("invalid setting NIMBUS_MEM_BUFFER_MIB='-1'"), "{text}");
}

#[test]
fn unknown_modes_are_refused() {
    for (var, value) in [
        ("NIMBUS_NETSCAN_MODE", "arp"),
        ("NIMBUS_CLONE_MODE", "thin"),
        ("LOG_FORMAT", "xml"),
    ] {
        let text = message(Env::cluster(&[(var, value)]).serve().unwrap_err());
        assert!(text.starts_with(&format!("invalid setting {var}='{value}'")), "{text}");
    }
}

#[test]
fn cors_wildcard_and_paths_are_refused_but_origins_are_kept() {
    assert!(message(Env::cluster(&[("CORS_ORIGIN", "*")]).serve().unwrap_err()).contains("CORS_ORIGIN"));
    assert!(
        Env::cluster(&[("CORS_ORIGIN", "https://a.example/path")])
            .serve()
            .is_err()
    );
    let c = Env::cluster(&[("CORS_ORIGIN", "https://a.example, http://127.0.0.1:5173")])
        .serve()
        .unwrap();
    assert_eq!(c.server.cors_origins, ["https://a.example", "http://127.0.0.1:5173"]);
}

#[test]
fn secure_cookies_follow_an_https_app_url() {
    assert!(
        Env::cluster(&[("APP_URL", "https://nimbus.example.org")])
            .serve()
            .unwrap()
            .server
            .secure_cookies()
    );
    assert!(
        !Env::cluster(&[("APP_URL", "http://nimbus.lan")])
            .serve()
            .unwrap()
            .server
            .secure_cookies()
    );
    assert!(!Env::cluster(&[]).serve().unwrap().server.secure_cookies());
}

#[test]
fn secrets_are_never_echoed_in_errors() {
    let text = message(
        Env::cluster(&[("NIMBUS_ENCRYPTION_KEY", "not-base64-secret!")])
            .serve()
            .unwrap_err(),
    );
    assert!(!text.contains("not-base64-secret"), "{text}");
    assert!(text.contains("NIMBUS_ENCRYPTION_KEY=(hidden)"), "{text}");
    let debug = format!("{:?}", Env::cluster(&[]).serve().unwrap());
    assert!(!debug.contains("s3cret-value"), "{debug}");
}

#[test]
fn a_gopher_url_without_a_key_is_refused() {
    let text = message(
        Env::cluster(&[("GOPHER_API_URL", "https://gopher.example")])
            .serve()
            .unwrap_err(),
    );
    assert!(text.contains("GOPHER_API_KEY"), "{text}");
}

#[test]
fn missing_proxmox_settings_are_listed_together() {
    let c = Env::new(&[("PROXMOX_HOST", "https://127.0.0.1:8006")]).serve().unwrap();
    let text = message(c.require_cluster_settings().unwrap_err());
    assert!(
        text.contains("missing PROXMOX_TOKEN_ID, PROXMOX_TOKEN_SECRET, IP_POOL_START, IP_POOL_END, GATEWAY_IP;"),
        "{text}"
    );
}

#[test]
fn the_environment_beats_the_env_file_which_beats_the_toml_file() {
    let env = Env::cluster(&[("PORT", "9003")]);
    let toml = env.write(
        "nimbus.toml",
        "port = 9001\nsearch_domain = \"from-toml.lan\"\nvm_cpu_type = \"host\"\n",
    );
    env.write(".env", "PORT=9002\nSEARCH_DOMAIN=from-dotenv.lan\nUNRELATED=1\n");
    let mut sources = env.sources();
    sources.env.insert("NIMBUS_CONFIG".into(), toml.display().to_string());
    let c = Config::load(Mode::Serve, &sources).unwrap();
    assert_eq!(c.server.port, 9003);
    assert_eq!(c.dns.search_domain, "from-dotenv.lan");
    assert_eq!(c.placement.cpu_type, "host");
}

#[test]
fn the_system_env_file_is_read_when_the_working_directory_has_none() {
    let env = Env::new(&[]);
    let system = env.write("system.env", "PROXMOX_HOST=https://127.0.0.1:8006\nPORT=9100\n");
    let mut sources = env.sources();
    sources.system_env_file = system;
    let c = Config::load(Mode::Serve, &sources).unwrap();
    assert_eq!(c.server.port, 9100);
    assert!(!c.missing.contains(&"PROXMOX_HOST"));
}

#[test]
fn unknown_keys_in_the_toml_file_and_a_missing_toml_file_are_refused() {
    let env = Env::new(&[]);
    let toml = env.write("nimbus.toml", "prot = 8080\n");
    let mut sources = env.sources();
    sources.env.insert("NIMBUS_CONFIG".into(), toml.display().to_string());
    assert!(message(Config::load(Mode::Serve, &sources).unwrap_err()).contains("unknown setting 'prot'"));
    sources.env.insert(
        "NIMBUS_CONFIG".into(),
        env.dir.path().join("gone.toml").display().to_string(),
    );
    assert!(message(Config::load(Mode::Serve, &sources).unwrap_err()).contains("no such file"));
}

#[test]
fn demo_ignores_cluster_settings_and_env_files_but_honours_its_own_variables() {
    let env = Env::cluster(&[
        ("PORT", "0"),
        ("NIMBUS_DATA_DIR", "/tmp/nimbus-demo-test"),
        ("IP_POOL_START", "garbage"),
    ]);
    env.write(".env", "PORT=1234\nLOG_FORMAT=xml\n");
    let c = Config::load(Mode::Demo, &env.sources()).unwrap();
    assert_eq!(c.server.port, 0);
    assert_eq!(c.server.bind_addr.to_string(), "127.0.0.1");
    assert_eq!(c.server.db_path, Path::new("/tmp/nimbus-demo-test/nimbus.db"));
    assert!(c.proxmox.is_none());
    let net = c.network.unwrap();
    assert_eq!(net.pool().start().octets()[0], 127, "the demo pool stays on loopback");
    assert_eq!(net.gateway().octets()[0], 127);
}

#[test]
fn demo_uses_a_fresh_temporary_data_dir_by_default() {
    let a = Config::load(Mode::Demo, &Env::new(&[]).sources()).unwrap();
    let b = Config::load(Mode::Demo, &Env::new(&[]).sources()).unwrap();
    assert!(a.server.data_dir_is_temporary);
    assert_ne!(a.server.data_dir, b.server.data_dir);
    assert!(a.server.data_dir.starts_with(std::env::temp_dir()));
}
