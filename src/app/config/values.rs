//! Builds the configuration sections from raw text values, one function per section.

use std::net::{IpAddr, Ipv4Addr};
use std::num::{NonZeroU32, NonZeroUsize};
use std::path::PathBuf;
use std::time::Duration;

use base64::Engine;

use super::parse::{self, Raw};
use super::sections::*;
use super::{Config, ConfigError, Mode, REQUIRED_FOR_SERVE, ServerConfig};
use crate::domain::clone_mode::CloneMode;
use crate::domain::ip_pool::{NetworkPlan, PoolRange, PrefixLen};
use crate::domain::netscan::NetscanMode;
use crate::domain::scoring::CpuLoadFactor;

/// The demo's loopback network: nothing it does can reach a real LAN.
pub fn demo_network() -> NetworkPlan {
    let ip = |s: &str| s.parse::<Ipv4Addr>().expect("demo address");
    let pool = PoolRange::new(ip("127.77.0.10"), ip("127.77.0.200")).expect("demo pool");
    NetworkPlan::new(pool, PrefixLen::default(), ip("127.77.0.1"), Vec::new()).expect("demo network")
}

pub(super) fn build(mode: Mode, raw: &Raw) -> Result<Config, ConfigError> {
    let server = server(mode, raw)?;
    let (proxmox, network) = match mode {
        Mode::Serve => (proxmox(raw)?, network(raw)?),
        Mode::Demo => (None, Some(demo_network())),
    };
    let missing = match mode {
        Mode::Serve => REQUIRED_FOR_SERVE.iter().copied().filter(|k| !raw.is_set(k)).collect(),
        Mode::Demo => Vec::new(),
    };
    Ok(Config {
        mode,
        server,
        proxmox,
        network,
        dns: dns(raw)?,
        placement: placement(raw)?,
        reconcile: reconcile(raw)?,
        netscan: netscan(raw)?,
        readiness: readiness(raw)?,
        load: load(raw)?,
        sim_profile: raw.parse_or(
            "NIMBUS_SIM_PROFILE",
            SimProfile::default(),
            "'demo', 'bench' or 'instant'",
            |t| match t {
                "demo" => Some(SimProfile::Demo),
                "bench" => Some(SimProfile::Bench),
                "instant" => Some(SimProfile::Instant),
                _ => None,
            },
        )?,
        empty_demo: false,
        encryption_key: raw.parse_opt(
            "NIMBUS_ENCRYPTION_KEY",
            "32 bytes in standard base64 (44 characters)",
            |t| {
                let bytes = base64::engine::general_purpose::STANDARD.decode(t).ok()?;
                Some(EncryptionKey(bytes.try_into().ok()?))
            },
        )?,
        seeds: seeds(raw)?,
        auth: super::access::auth(raw)?,
        oauth_endpoints: super::access::oauth_endpoints(raw)?,
        templates: super::templates::templates(raw)?,
        missing,
        sources: None,
        setup_pending: None,
    })
}

fn server(mode: Mode, raw: &Raw) -> Result<ServerConfig, ConfigError> {
    let default_bind = match mode {
        Mode::Serve => IpAddr::from([0, 0, 0, 0]),
        Mode::Demo => IpAddr::from([127, 0, 0, 1]),
    };
    let bind_addr = raw.parse_or(
        "BIND_ADDR",
        default_bind,
        "an IP address such as 0.0.0.0 or 127.0.0.1",
        |t| t.parse().ok(),
    )?;
    let port = raw.number("PORT", 8080u16, 0..=65535)?;
    let given_dir = raw.parse_opt("NIMBUS_DATA_DIR", "a directory path", |t| Some(PathBuf::from(t)))?;
    let data_dir_is_temporary = mode == Mode::Demo && given_dir.is_none();
    let data_dir = match (given_dir, mode) {
        (Some(dir), _) => dir,
        (None, Mode::Serve) => PathBuf::from("/var/lib/nimbus"),
        (None, Mode::Demo) => std::env::temp_dir().join(format!(
            "nimbus-demo-{}",
            &uuid::Uuid::new_v4().simple().to_string()[..12]
        )),
    };
    let db_path = raw
        .parse_opt("DB_PATH", "a file path", |t| Some(PathBuf::from(t)))?
        .unwrap_or_else(|| data_dir.join("nimbus.db"));
    let app_url = raw.parse_opt(
        "APP_URL",
        "an http(s) URL such as https://nimbus.example.org",
        parse::http_url,
    )?;
    let cors_origins = raw.parse_or(
        "CORS_ORIGIN",
        Vec::new(),
        "one or more origins such as https://portal.example.org (comma-separated; '*' is not allowed)",
        |t| {
            parse::list(t)
                .into_iter()
                .map(parse::origin)
                .collect::<Option<Vec<_>>>()
        },
    )?;
    let trusted_proxies = raw.parse_or(
        "TRUSTED_PROXIES",
        Vec::new(),
        "addresses or networks of your reverse proxies, comma-separated (e.g. 127.0.0.1, 10.0.0.0/24)",
        |t| {
            parse::list(t)
                .into_iter()
                .map(|item| {
                    item.parse::<ipnet::IpNet>()
                        .ok()
                        .or_else(|| item.parse::<std::net::IpAddr>().ok().map(ipnet::IpNet::from))
                })
                .collect::<Option<Vec<_>>>()
        },
    )?;
    let log_format = raw.parse_or("LOG_FORMAT", LogFormat::Text, "'text' or 'json'", |t| {
        match t.to_ascii_lowercase().as_str() {
            "text" => Some(LogFormat::Text),
            "json" => Some(LogFormat::Json),
            _ => None,
        }
    })?;
    Ok(ServerConfig {
        bind_addr,
        port,
        app_url,
        cors_origins,
        trusted_proxies,
        app_env: raw.get("APP_ENV").unwrap_or("production").to_string(),
        log_format,
        data_dir,
        db_path,
        data_dir_is_temporary,
    })
}

fn proxmox(raw: &Raw) -> Result<Option<ProxmoxConfig>, ConfigError> {
    let host = raw.parse_opt("PROXMOX_HOST", "a URL such as https://pve.example.lan:8006", |t| {
        parse::http_url(t).filter(|u| u.path() == "/" || u.path().is_empty())
    })?;
    let token_id = raw.parse_opt("PROXMOX_TOKEN_ID", "a token id of the form user@realm!tokenname", |t| {
        let (user, token) = t.split_once('!')?;
        let (name, realm) = user.split_once('@')?;
        let ok = [name, realm, token].iter().all(|p| parse::is_identifier(p));
        ok.then(|| t.to_string())
    })?;
    let secret = raw.get("PROXMOX_TOKEN_SECRET").map(|s| Secret(s.to_string()));
    let template_base_vmid = raw.number("PROXMOX_TEMPLATE_BASE_VMID", 9000u32, 100..=999_999_000)?;
    let fingerprint = raw.parse_opt(
        "PROXMOX_TLS_FINGERPRINT",
        "the SHA-256 fingerprint of the Proxmox certificate, 32 hex pairs such as AB:CD:…",
        parse_fingerprint,
    )?;
    let ca_file = raw.parse_opt("PROXMOX_CA_FILE", "the path of a PEM file", |t| {
        Some(std::path::PathBuf::from(t))
    })?;
    let insecure = raw.parse_or("PROXMOX_TLS_INSECURE", false, "'true' or 'false'", parse::boolean)?;
    let tls = match (fingerprint, ca_file, insecure) {
        (Some(_), Some(_), _) => {
            return Err(raw.invalid(
                "PROXMOX_CA_FILE",
                "unset while PROXMOX_TLS_FINGERPRINT is set: pin either the certificate or its CA, not both",
            ));
        }
        (Some(_), None, true) | (None, Some(_), true) => {
            return Err(raw.invalid(
                "PROXMOX_TLS_INSECURE",
                "unset (or false) while PROXMOX_TLS_FINGERPRINT or PROXMOX_CA_FILE is set: a pinned certificate or \
                 CA is checked, the insecure opt-out checks nothing",
            ));
        }
        (Some(f), None, false) => ProxmoxTrust::Fingerprint(f),
        (None, Some(path), false) => ProxmoxTrust::CaFile(path),
        (None, None, true) => ProxmoxTrust::Insecure,
        (None, None, false) => ProxmoxTrust::Missing,
    };
    Ok(match (host, token_id, secret) {
        (Some(host), Some(token_id), Some(token_secret)) => Some(ProxmoxConfig {
            host,
            token_id,
            token_secret,
            template_base_vmid,
            tls,
        }),
        _ => None,
    })
}

fn network(raw: &Raw) -> Result<Option<NetworkPlan>, ConfigError> {
    const IPV4: &str = "an IPv4 address such as 192.168.1.100";
    let start = raw.parse_opt("IP_POOL_START", IPV4, |t| t.parse::<Ipv4Addr>().ok())?;
    let end = raw.parse_opt("IP_POOL_END", IPV4, |t| t.parse::<Ipv4Addr>().ok())?;
    let gateway = raw.parse_opt("GATEWAY_IP", IPV4, |t| t.parse::<Ipv4Addr>().ok())?;
    let prefix = raw.parse_or(
        "VM_PREFIX_LEN",
        PrefixLen::default(),
        "a prefix length from 8 to 30",
        |t| PrefixLen::new(t.parse().ok()?).ok(),
    )?;
    let reserved = raw.parse_or(
        "IP_POOL_RESERVED",
        Vec::new(),
        "comma-separated addresses or ranges such as 10.0.0.5,10.0.0.20-10.0.0.29",
        |t| {
            parse::list(t)
                .into_iter()
                .map(|r| r.parse::<PoolRange>().ok())
                .collect()
        },
    )?;
    let (Some(start), Some(end)) = (start, end) else {
        return Ok(None);
    };
    let pool = PoolRange::new(start, end)
        .map_err(|_| raw.invalid("IP_POOL_END", format!("an address at or after IP_POOL_START={start}")))?;
    let Some(gateway) = gateway else {
        return Ok(None);
    };
    NetworkPlan::new(pool, prefix, gateway, reserved)
        .map(Some)
        .map_err(|e| {
            use crate::domain::ip_pool::NetworkPlanError as E;
            let var = match e {
                E::GatewayOutsideSubnet { .. } | E::GatewayInsidePool { .. } => "GATEWAY_IP",
                E::ReservedOutsidePool { .. } => "IP_POOL_RESERVED",
                E::PoolSpansSubnets { .. } | E::PoolIncludesNetworkOrBroadcast { .. } => "IP_POOL_END",
            };
            raw.invalid(var, format!("a consistent network plan, but {e}"))
        })
}

fn dns(raw: &Raw) -> Result<DnsConfig, ConfigError> {
    let defaults = vec![IpAddr::from([1, 1, 1, 1]), IpAddr::from([8, 8, 8, 8])];
    Ok(DnsConfig {
        nameservers: raw.parse_or(
            "NAMESERVER",
            defaults,
            "IP addresses separated by spaces, such as '1.1.1.1 8.8.8.8'",
            |t| parse::list(t).into_iter().map(|a| a.parse().ok()).collect(),
        )?,
        search_domain: raw.parse_or(
            "SEARCH_DOMAIN",
            "local".into(),
            "a DNS name such as lab.example.org",
            |t| parse::is_dns_name(t).then(|| t.to_string()),
        )?,
    })
}

fn placement(raw: &Raw) -> Result<PlacementConfig, ConfigError> {
    const NODE_LIST: &str = "node names separated by commas, such as pve1,pve2";
    Ok(PlacementConfig {
        excluded_nodes: raw.parse_or("NIMBUS_EXCLUDED_NODES", Vec::new(), NODE_LIST, |t| {
            let nodes = parse::list(t);
            nodes
                .iter()
                .all(|n| parse::is_identifier(n))
                .then(|| nodes.iter().map(|n| n.to_string()).collect())
        })?,
        cpu_type: raw.parse_or(
            "VM_CPU_TYPE",
            "x86-64-v3".into(),
            "a Proxmox CPU type such as x86-64-v3 or host",
            |t| parse::is_identifier(t).then(|| t.to_string()),
        )?,
        disk_storage: raw.parse_or(
            "NIMBUS_VM_DISK_STORAGE",
            Some("local-lvm".into()),
            "a Proxmox storage id such as local-lvm, or empty/'off' to turn the disk check off",
            |t| match t {
                "" | "off" => Some(None),
                id if parse::is_identifier(id) => Some(Some(id.to_string())),
                _ => None,
            },
        )?,
        mem_buffer_mib: raw.number("NIMBUS_MEM_BUFFER_MIB", 256u64, 0..=1_048_576)?,
        cpu_load_factor: raw.parse_or(
            "NIMBUS_CPU_LOAD_FACTOR",
            CpuLoadFactor::default(),
            "a number from 0.25 to 1.0",
            |t| CpuLoadFactor::new(t.parse().ok()?).ok(),
        )?,
        clone_mode: raw.parse_or("NIMBUS_CLONE_MODE", CloneMode::default(), "'full' or 'linked'", |t| {
            t.parse().ok()
        })?,
        clone_concurrency_per_node: NonZeroU32::new(raw.number("NIMBUS_CLONE_CONCURRENCY_PER_NODE", 2u32, 1..=64)?)
            .expect("range starts at 1"),
    })
}

fn reconcile(raw: &Raw) -> Result<ReconcileConfig, ConfigError> {
    Ok(ReconcileConfig {
        interval: raw.interval("RECONCILE_INTERVAL_SECONDS", 60)?,
        reservation_ttl: Duration::from_secs(raw.number("RESERVATION_TTL_SECONDS", 600u64, 1..=86_400)?),
        verify_cache_ttl: Duration::from_secs(raw.number("VERIFY_CACHE_TTL_SECONDS", 5u64, 0..=3_600)?),
        vacate_miss_threshold: NonZeroU32::new(raw.number("VACATE_MISS_THRESHOLD", 3u32, 0..=1_000)?),
    })
}

fn load(raw: &Raw) -> Result<LoadConfig, ConfigError> {
    Ok(LoadConfig {
        cluster_max_age: Duration::from_secs(raw.number("NIMBUS_CLUSTER_CACHE_SECONDS", 5u64, 0..=300)?),
        streams_per_account: NonZeroUsize::new(raw.number("NIMBUS_STREAMS_PER_ACCOUNT", 8usize, 1..=1_024)?)
            .expect("range starts at 1"),
    })
}

fn netscan(raw: &Raw) -> Result<NetscanConfig, ConfigError> {
    Ok(NetscanConfig {
        mode: raw.parse_or(
            "NIMBUS_NETSCAN_MODE",
            NetscanMode::default(),
            "one of 'off', 'tcp', 'both'",
            |t| t.parse().ok(),
        )?,
        interval: raw.interval("NIMBUS_NETSCAN_INTERVAL_SECONDS", 300)?,
        timeout: Duration::from_millis(raw.number("NIMBUS_NETSCAN_TIMEOUT_MS", 200u64, 1..=60_000)?),
        concurrency: NonZeroUsize::new(raw.number("NIMBUS_NETSCAN_CONCURRENCY", 50usize, 1..=1_024)?)
            .expect("range starts at 1"),
    })
}

fn readiness(raw: &Raw) -> Result<ReadinessConfig, ConfigError> {
    Ok(ReadinessConfig {
        timeout: Duration::from_secs(raw.number("NIMBUS_READY_TIMEOUT_SECONDS", 300u64, 1..=3_600)?),
        recheck_interval: raw.interval("NIMBUS_READY_RECHECK_INTERVAL_SECONDS", 30)?,
        simulated_lan: raw.parse_opt(
            "NIMBUS_SIMULATED_LAN",
            "an http(s) URL of a simulator's LAN endpoint",
            parse::http_url,
        )?,
    })
}

fn seeds(raw: &Raw) -> Result<SeedConfig, ConfigError> {
    let oauth = |id_key: &'static str, secret_key: &'static str| -> Result<Option<OAuthSeed>, ConfigError> {
        match (raw.get(id_key), raw.get(secret_key)) {
            (None, None) => Ok(None),
            (Some(id), Some(secret)) => Ok(Some(OAuthSeed {
                client_id: id.to_string(),
                client_secret: Secret(secret.to_string()),
            })),
            (Some(_), None) => Err(raw.invalid(id_key, format!("{secret_key} to be set as well"))),
            (None, Some(_)) => Err(raw.invalid(secret_key, format!("{id_key} to be set as well"))),
        }
    };
    let gopher_url = raw.parse_opt(
        "GOPHER_API_URL",
        "an http(s) URL such as https://gopher.example.org",
        parse::http_url,
    )?;
    let gopher = match (gopher_url, raw.get("GOPHER_API_KEY")) {
        (None, None) => None,
        (Some(api_url), Some(key)) => Some(GopherSeed {
            api_url,
            api_key: Secret(key.to_string()),
        }),
        (Some(_), None) => return Err(raw.invalid("GOPHER_API_URL", "GOPHER_API_KEY to be set as well")),
        (None, Some(_)) => return Err(raw.invalid("GOPHER_API_KEY", "GOPHER_API_URL to be set as well")),
    };
    Ok(SeedConfig {
        github: oauth("GITHUB_CLIENT_ID", "GITHUB_CLIENT_SECRET")?,
        google: oauth("GOOGLE_CLIENT_ID", "GOOGLE_CLIENT_SECRET")?,
        gopher,
    })
}
