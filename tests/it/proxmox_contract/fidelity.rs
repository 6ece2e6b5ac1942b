//! Wire fidelity of the REST face and the HTTP adapter together: every contract function runs
//! over HTTP with a recorder on the face, and every request the adapter sent (the ones the schema
//! forbids must have been refused with 400) and every answer the face gave is checked against
//! the PVE 8.4 facts in `tests/fixtures/pve/8.4/endpoints.json`
//! (parameter names and types, required parameters, 0/1 booleans, string-typed fields, envelope
//! and error shapes). Every endpoint in the fixture must have been exercised.

use std::collections::BTreeSet;

use nimbus::adapters::proxmox::rest::{ErrorFormat, Exchange as Recorded, Recorder};
use nimbus::adapters::proxmox::sim::Profile;

use super::HarnessKind;
use super::http_face::HttpHarness;
use crate::pve_fidelity::schema::{self, Exchange};

fn converted(r: Recorded) -> Exchange {
    Exchange {
        method: r.method,
        path: r.path,
        params: r.params,
        query_len: r.query_len,
        json_body: r.json_body,
        status: r.status,
        body: r.body,
    }
}

async fn harness(kind: HarnessKind, recorder: &Recorder) -> HttpHarness {
    let scenario = kind.scenario();
    HttpHarness::with(scenario, Profile::Bench, ErrorFormat::Modern, Some(recorder.clone())).await
}

macro_rules! run_all {
    ($($module:ident :: $name:ident : $kind:ident),* $(,)?) => {
        /// Runs every contract function over HTTP, recording into `recorder`.
        async fn run_every_contract(recorder: &Recorder) -> usize {
            let mut runs = 0;
            $(
                let h = harness(HarnessKind::$kind, recorder).await;
                super::$module::$name(&h).await;
                h.face.stop().await;
                runs += 1;
            )*
            runs
        }
    };
}

super::contracts!(run_all);

#[tokio::test]
async fn every_request_and_answer_of_the_contract_suite_matches_the_pve_8_4_facts() {
    let recorder = Recorder::default();
    let runs = run_every_contract(&recorder).await;
    let exchanges: Vec<Exchange> = recorder.take().into_iter().map(converted).collect();
    assert!(
        runs > 50 && exchanges.len() > 500,
        "{runs} runs, {} exchanges",
        exchanges.len()
    );

    let mut violations = Vec::new();
    let mut seen = BTreeSet::new();
    let mut refused = 0;
    for ex in &exchanges {
        // A request the 8.4 facts forbid (the suite sends a few on purpose) must have been
        // refused with 400, as Proxmox refuses it; every other request must conform.
        let request = crate::pve_fidelity::check_request(ex);
        if !request.is_empty() {
            refused += 1;
            if ex.status != 400 {
                violations.push(format!(
                    "{} {} -> {}: the face accepted a request the schema forbids: {request:?}",
                    ex.method, ex.path, ex.status
                ));
            }
        }
        for v in crate::pve_fidelity::check_response(ex) {
            violations.push(format!("{} {} -> {}: {v}", ex.method, ex.path, ex.status));
        }
        if let Some(endpoint) = schema::endpoint_for(&ex.method, &ex.path) {
            seen.insert((endpoint.method.clone(), endpoint.path.clone()));
        }
    }
    assert!(
        refused >= 2,
        "the suite's deliberately bad requests were not seen ({refused})"
    );
    violations.sort();
    violations.dedup();
    assert!(
        violations.is_empty(),
        "{} fidelity violations:\n{}",
        violations.len(),
        violations.join("\n")
    );
    let missing: Vec<String> = schema::endpoints()
        .iter()
        .filter(|e| !seen.contains(&(e.method.clone(), e.path.clone())))
        .map(|e| format!("{} {}", e.method, e.path))
        .collect();
    assert!(missing.is_empty(), "endpoints the suite never exercised: {missing:?}");
}
