//! Delivery under failure: a chunk whose post fails (a 500, or an answer lost after Nimbus kept
//! it) is sent again with the same sequence number, so Nimbus ends up with every byte once, in
//! order; a report that fails is sent again until Nimbus takes it.

use serde_json::json;

use super::harness::{Dirs, Worker, env, printed, wait_for, with};
use super::server::{FakeNimbus, Fault, job};

const BYTES: &str = "3000000";

#[tokio::test]
async fn failed_log_posts_are_resent_with_the_same_seq_and_nothing_is_lost_or_duplicated() {
    let nimbus = FakeNimbus::start().await;
    nimbus.enqueue(job(9, &["python", "train.py"]));
    nimbus.with(|s| {
        s.log_faults.insert((9, 2), Fault::Error500);
        s.log_faults.insert((9, 5), Fault::DropAnswer);
        s.log_faults.insert((9, 6), Fault::Error500);
    });
    let dirs = Dirs::new();
    let env = with(
        env(&nimbus, &dirs),
        &[("GX10_STAND_IN_BYTES", BYTES), ("GX10_LOG_FLUSH_BYTES", "65536")],
    );
    let worker = Worker::start(&dirs, &env);

    let report = wait_for("job 9's report", || nimbus.with(|s| s.statuses.get(&9).cloned())).await;
    assert_eq!(report[0]["state"], json!("succeeded"), "{}", worker.log());

    let (want, _) = printed(&["python", "train.py"], &[("GX10_STAND_IN_BYTES", BYTES)]);
    assert_eq!(want.len(), 3_000_000);
    let got = nimbus.with(|s| s.log(9));
    assert!(
        got == want,
        "the log differs from what the stand-in printed ({} bytes arrived, {} printed)",
        got.len(),
        want.len()
    );

    let seqs: Vec<u64> = nimbus.with(|s| s.log_posts.iter().filter(|(j, _)| *j == 9).map(|(_, q)| *q).collect());
    for failed in [2, 5, 6] {
        assert_eq!(
            seqs.iter().filter(|q| **q == failed).count(),
            2,
            "seq {failed} is sent twice: {seqs:?}"
        );
    }
    assert!(
        seqs.windows(2).all(|w| w[1] == w[0] || w[1] == w[0] + 1),
        "posts out of order: {seqs:?}"
    );
    let chunks = nimbus.with(|s| s.chunks[&9].iter().map(Vec::len).collect::<Vec<_>>());
    assert!(chunks.iter().all(|&n| n <= 65536), "{chunks:?}");
    assert!(
        nimbus.with(|s| s.violations.clone()).is_empty(),
        "{:?}",
        nimbus.with(|s| s.violations.clone())
    );
}

#[tokio::test]
async fn a_report_that_fails_is_sent_again_until_nimbus_takes_it() {
    let nimbus = FakeNimbus::start().await;
    nimbus.enqueue(job(10, &["python", "train.py"]));
    nimbus.with(|s| s.status_failures = 2);
    let dirs = Dirs::new();
    let worker = Worker::start(&dirs, &with(env(&nimbus, &dirs), &[("GX10_STAND_IN_SECONDS", "0")]));
    let report = wait_for("job 10's report", || nimbus.with(|s| s.statuses.get(&10).cloned())).await;
    assert_eq!(report.len(), 1, "{}", worker.log());
    assert_eq!(report[0]["state"], json!("succeeded"));
    assert_eq!(nimbus.with(|s| s.status_posts), 3);
}
