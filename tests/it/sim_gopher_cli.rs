//! `nimbus sim-gopher`: a separate process serving the Gopher simulator, announcing its URL and
//! API key, usable by the production HTTP adapter; loopback only.

use std::process::{Command, Stdio};

use nimbus::adapters::gopher::http::{HttpGopher, HttpGopherOptions};
use nimbus::ports::tunnel_gateway::{GatewayError, MachineStatus, TunnelGateway};

use super::processes::{lines_of, read_until};

#[test]
fn sim_gopher_prints_its_url_and_key_and_serves_gopher_s_api_to_that_key() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_nimbus"))
        .current_dir(dir.path())
        .args(["sim-gopher", "--listen", "127.0.0.1:0", "--domain", "tunnels.test"])
        .env_remove("NIMBUS_SIM_GOPHER_KEY")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let rx = lines_of(child.stdout.take().unwrap());
    let banner = read_until(&rx, "key: ", "sim-gopher prints its banner");
    let value = |prefix: &str| {
        banner
            .iter()
            .find_map(|l| l.trim().strip_prefix(prefix).map(str::to_owned))
            .unwrap_or_else(|| panic!("no {prefix:?} in the banner {banner:?}"))
    };
    let (url, key) = (value("listening: "), value("key: "));
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    assert_eq!(key.len(), 32, "a random key: {key}");
    let gateway = HttpGopher::new(HttpGopherOptions::new(url.parse().unwrap(), key.clone())).unwrap();
    let stranger = HttpGopher::new(HttpGopherOptions::new(url.parse().unwrap(), "guess")).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let created = gateway.create_machine(true).await.expect("create");
        assert!(created.bootstrap_url.expose().starts_with(&format!("{url}/bootstrap/")));
        let script = reqwest::get(created.bootstrap_url.expose())
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(script.contains("GOPHER_MACHINE_NAME"), "{script}");
        let machine = gateway.machine(&created.machine.id).await.expect("get");
        assert_eq!(machine.status, MachineStatus::Connected);
        assert_eq!(stranger.machines().await, Err(GatewayError::Unauthorized));
    });
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn sim_gopher_refuses_a_non_loopback_address_and_an_empty_key() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_nimbus"))
        .current_dir(dir.path())
        .args(["sim-gopher", "--listen", "0.0.0.0:0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("loopback"), "{out:?}");
    let out = Command::new(env!("CARGO_BIN_EXE_nimbus"))
        .current_dir(dir.path())
        .args(["sim-gopher", "--listen", "127.0.0.1:0", "--key", " "])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--key"), "{out:?}");
}
