//! The committed OpenAPI document must match the code, and document every operation fully.

use serde_json::Value;

fn committed() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/nimbus.json");
    std::fs::read_to_string(path).expect("openapi/nimbus.json exists")
}

#[test]
fn committed_spec_matches_the_code() {
    let generated = nimbus::adapters::http::spec_json();
    assert!(
        committed() == generated,
        "openapi/nimbus.json is stale: run `make openapi` (nimbus openapi > openapi/nimbus.json) and commit it"
    );
}

#[test]
fn every_operation_has_an_id_a_tag_and_its_error_responses() {
    let spec: Value = serde_json::from_str(&nimbus::adapters::http::spec_json()).unwrap();
    let paths = spec["paths"].as_object().expect("paths");
    assert!(!paths.is_empty());
    for (path, ops) in paths {
        for (method, op) in ops.as_object().unwrap() {
            let name = format!("{method} {path}");
            assert!(
                op["operationId"].as_str().is_some_and(|s| !s.is_empty()),
                "{name} has no operationId"
            );
            assert!(
                op["tags"].as_array().is_some_and(|t| !t.is_empty()),
                "{name} has no tag"
            );
            let responses = op["responses"].as_object().expect("responses");
            assert!(
                responses.keys().any(|s| s.starts_with('2') || s.starts_with('3')),
                "{name} documents no success (or redirect)"
            );
            assert!(
                responses.keys().any(|s| s.starts_with('5')),
                "{name} documents no server error"
            );
            for (status, response) in responses {
                assert!(
                    response["description"].as_str().is_some_and(|d| !d.is_empty()),
                    "{name} {status} undocumented"
                );
            }
        }
    }
}

#[test]
fn spec_names_the_api_base_path() {
    let spec: Value = serde_json::from_str(&nimbus::adapters::http::spec_json()).unwrap();
    assert_eq!(spec["servers"][0]["url"], "/api");
    assert_eq!(spec["info"]["version"], env!("CARGO_PKG_VERSION"));
}

/// The rate-limited operations and those that open a stream (each account has a budget of open
/// streams): the only ones that may answer 429.
const RATE_LIMITED: &[&str] = &[
    "register",
    "login",
    "create_token",
    "verify_access_code",
    "create_vm",
    "vm_events",
    "change_password",
    "oauth_start",
    // Wrong setup tokens count like wrong passwords.
    "setup_state",
    "setup_proxmox_fingerprint",
    "setup_proxmox",
    "setup_network",
    "setup_network_probe",
    "setup_access",
    "setup_finish",
    "follow_gpu_job",
];
/// Public operations that still answer 401: wrong credentials, or a missing or wrong setup token.
const PUBLIC_UNAUTHORIZED: &[&str] = &[
    "login",
    "setup_state",
    "setup_proxmox_fingerprint",
    "setup_proxmox",
    "setup_network",
    "setup_network_probe",
    "setup_access",
    "setup_finish",
];
/// Operations that answer 400 for a parameter that is text in the spec (so its shape alone does
/// not say it can be refused).
const VALIDATES_TEXT: &[&str] = &["list_nodes", "check_subdomain"];
/// Operations without an `{id}` that answer 404 for something else the request names.
/// The setup wizard's routes are gone (404) once Nimbus is set up.
const NOT_FOUND_WITHOUT_ID: &[&str] = &[
    "unlink_identity",
    "create_vm",
    "setup_state",
    "setup_proxmox_fingerprint",
    "setup_proxmox",
    "setup_network",
    "setup_network_probe",
    "setup_access",
    "setup_finish",
];
/// Operations with a dependency that can be down or out of room (503): health reports the
/// database; the ones that hash a password need a free hashing slot; the others need Proxmox
/// (or room on the cluster or in the IP pool).
const MAY_BE_UNAVAILABLE: &[&str] = &[
    "health",
    "login",
    "register",
    "change_password",
    "create_vm",
    "retry_vm",
    "start_vm",
    "shutdown_vm",
    "stop_vm",
    "reboot_vm",
    "approve_vm",
    "reconcile_ips",
    "list_nodes",
    "list_cluster_vms",
    "bootstrap_templates",
    "bootstrap_status",
    "setup_finish",
    // Gopher: tunnels off, or the gateway not answering.
    "check_subdomain",
    "create_tunnel",
    "delete_tunnel",
    "retry_public_ssh",
    // The GPU plane switched off: workers poll slowly until it is back.
    "worker_claim",
    "worker_heartbeat",
    "worker_post_log",
    "worker_report",
];

const ERROR_STATUSES: &[u16] = &[400, 401, 403, 404, 409, 413, 415, 429, 500, 503];

/// Whether a parameter's value can fail to parse (anything but free text).
fn typed(parameter: &Value) -> bool {
    let schema = &parameter["schema"];
    schema.get("$ref").is_some() || schema.get("enum").is_some() || schema["type"] != "string"
}

/// Each operation documents the statuses its shape implies and no others: 401 and 403 where a
/// caller is required; 403 on every write (the CSRF guard); 413 and 415 exactly where there is a
/// body; 400 where there is a body or a parameter that can fail to parse (text parameters only
/// where listed); 404 where the path names a record; 409 only on writes; 429 and 503 only on the
/// operations listed; 500 everywhere.
#[test]
fn every_operation_documents_the_statuses_it_can_answer_and_no_others() {
    let spec: Value = serde_json::from_str(&nimbus::adapters::http::spec_json()).unwrap();
    let mut failures = Vec::new();
    let mut ids = Vec::new();
    for (path, ops) in spec["paths"].as_object().unwrap() {
        for (method, op) in ops.as_object().unwrap() {
            let id = op["operationId"].as_str().unwrap();
            ids.push(id.to_string());
            let responses = op["responses"].as_object().unwrap();
            let documented: Vec<u16> = responses
                .keys()
                .map(|s| s.parse::<u16>().unwrap())
                .filter(|s| *s >= 400)
                .collect();
            let has = |status: u16| documented.contains(&status);
            let secured = op.get("security").is_some_and(|s| !s.as_array().unwrap().is_empty());
            let body = op.get("requestBody").is_some();
            let write = method != "get";
            let parameters = op["parameters"].as_array().cloned().unwrap_or_default();
            let typed_parameter = parameters.iter().any(typed);
            // A record is named by its id, or (an invitation's public check) by its token.
            let names_record = path.contains("{id}") || path.contains("{token}");
            let listed = |list: &[&str]| list.contains(&id);
            let mut expect = |status: u16, required: bool, allowed: bool, why: &str| {
                if required && !has(status) {
                    failures.push(format!("{id} ({method} {path}) does not document {status}: {why}"));
                }
                if !allowed && has(status) {
                    failures.push(format!(
                        "{id} ({method} {path}) documents {status}, which it cannot answer: {why}"
                    ));
                }
            };
            expect(500, true, true, "every operation can fail unexpectedly");
            let public_401 = listed(PUBLIC_UNAUTHORIZED);
            expect(
                401,
                secured || public_401,
                secured || public_401,
                "401 comes with a required caller",
            );
            expect(
                403,
                secured || write,
                secured || write,
                "403 comes with a required caller or a write (CSRF)",
            );
            expect(413, body, body, "413 comes with a request body");
            expect(415, body, body, "415 comes with a request body");
            let parsed = body || typed_parameter;
            expect(
                400,
                parsed,
                parsed || listed(VALIDATES_TEXT),
                "400 comes with a body or a parsed parameter",
            );
            expect(
                404,
                names_record,
                names_record || listed(NOT_FOUND_WITHOUT_ID),
                "404 comes with a record named in the path",
            );
            expect(409, false, write, "a read cannot conflict");
            expect(
                429,
                listed(RATE_LIMITED),
                listed(RATE_LIMITED),
                "429 only where a rate limit applies",
            );
            expect(
                503,
                listed(MAY_BE_UNAVAILABLE),
                listed(MAY_BE_UNAVAILABLE),
                "503 only where a dependency can be down",
            );
            for status in &documented {
                if !ERROR_STATUSES.contains(status) {
                    failures.push(format!("{id} documents {status}, which no Nimbus operation answers"));
                }
            }
            if has(429) {
                assert!(
                    responses["429"]["headers"].get("RETRY-AFTER").is_some(),
                    "{id}: 429 documents no Retry-After"
                );
            }
        }
    }
    for list in [
        RATE_LIMITED,
        PUBLIC_UNAUTHORIZED,
        VALIDATES_TEXT,
        NOT_FOUND_WITHOUT_ID,
        MAY_BE_UNAVAILABLE,
    ] {
        for id in list {
            assert!(ids.iter().any(|i| i == id), "{id} is listed here but is no operation");
        }
    }
    assert!(failures.is_empty(), "documented statuses:\n  {}", failures.join("\n  "));
}
