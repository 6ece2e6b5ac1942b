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
