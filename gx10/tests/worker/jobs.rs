//! Jobs run end to end with the stand-in runtime: claimed first-in first-out, their output
//! arriving complete and in order, their endings reported with exit code, reason and artifact.

use serde_json::json;

use super::harness::{Dirs, Worker, env, printed, split_streams, wait_for};
use super::server::{FakeNimbus, job};

#[tokio::test]
async fn jobs_run_one_at_a_time_in_order_with_complete_logs_and_their_endings() {
    let nimbus = FakeNimbus::start().await;
    nimbus.enqueue(job(1, &["python", "train.py"]));
    nimbus.enqueue(job(2, &["python", "train.py", "--fail"]));
    let dirs = Dirs::new();
    let worker = Worker::start(&dirs, &env(&nimbus, &dirs));

    let first = wait_for("job 1's report", || nimbus.with(|s| s.statuses.get(&1).cloned())).await;
    let out1 = dirs.output().join("1");
    assert_eq!(
        first,
        [json!({"state": "succeeded", "exit_code": 0, "artifact": out1.display().to_string()})],
        "{}",
        worker.log()
    );
    assert!(out1.join("model.bin").is_file());
    let second = wait_for("job 2's report", || nimbus.with(|s| s.statuses.get(&2).cloned())).await;
    assert_eq!(
        second,
        [json!({"state": "failed", "exit_code": 3, "reason": "exited with code 3"})]
    );

    let posts = nimbus.with(|s| s.log_posts.clone());
    let last_of_1 = posts.iter().rposition(|(j, _)| *j == 1).unwrap();
    let first_of_2 = posts.iter().position(|(j, _)| *j == 2).unwrap();
    assert!(last_of_1 < first_of_2, "job 2 ran before job 1 had finished: {posts:?}");

    for (id, command) in [
        (1, &["python", "train.py"][..]),
        (2, &["python", "train.py", "--fail"][..]),
    ] {
        let (want_out, want_err) = printed(command, &[]);
        let log = nimbus.with(|s| s.log(id));
        let (got_out, got_err) = split_streams(&log);
        assert_eq!(
            String::from_utf8_lossy(&got_out),
            String::from_utf8_lossy(&want_out),
            "job {id} stdout"
        );
        assert_eq!(
            String::from_utf8_lossy(&got_err),
            String::from_utf8_lossy(&want_err),
            "job {id} stderr"
        );
        assert_eq!(log.len(), want_out.len() + want_err.len());
    }
    assert!(nimbus.with(|s| s.violations.clone()).is_empty());
    assert_eq!(nimbus.with(|s| s.worker_ids.clone()), ["gx10-test"]);
}

#[tokio::test]
async fn a_job_past_its_maximum_runtime_is_stopped_and_failed_with_the_reason() {
    let nimbus = FakeNimbus::start().await;
    let mut long = job(5, &["python", "train.py"]);
    long["max_runtime_seconds"] = json!(1);
    nimbus.enqueue(long);
    let dirs = Dirs::new();
    let env = super::harness::with(env(&nimbus, &dirs), &[("GX10_STAND_IN_SECONDS", "120")]);
    let worker = Worker::start(&dirs, &env);
    let report = wait_for("job 5's report", || nimbus.with(|s| s.statuses.get(&5).cloned())).await;
    assert_eq!(
        report,
        [json!({"state": "failed", "exit_code": 143, "reason": "ran longer than the maximum runtime (1s)"})],
        "{}",
        worker.log()
    );
    assert!(nimbus.with(|s| s.log(5)).ends_with(b"stopping\n"));
}

#[tokio::test]
async fn a_leftover_container_found_at_start_up_is_removed_and_reported() {
    let nimbus = FakeNimbus::start().await;
    let dirs = Dirs::new();
    let mut leftover = std::process::Command::new(super::harness::BIN)
        .args([
            "stand-in-runtime",
            "run",
            "--rm",
            "--name",
            "nimbus-job-77",
            "--gpus",
            "all",
            "-v",
        ])
        .arg(format!("{}:/output", dirs.output().join("77").display()))
        .args(["pytorch/pytorch:2.4", "python", "train.py"])
        .env("GX10_STAND_IN_DIR", dirs.stand_in())
        .env("GX10_STAND_IN_SECONDS", "300")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    wait_for("the leftover container to start", || dirs.pid_of("nimbus-job-77")).await;

    let worker = Worker::start(&dirs, &env(&nimbus, &dirs));
    let report = wait_for("job 77's report", || nimbus.with(|s| s.statuses.get(&77).cloned())).await;
    assert_eq!(
        report,
        [json!({"state": "failed", "exit_code": -1, "reason": "the worker restarted while the job ran"})],
        "{}",
        worker.log()
    );
    let ended = wait_for("the leftover container to be gone", || leftover.try_wait().unwrap()).await;
    assert!(!ended.success());
    assert!(dirs.pid_of("nimbus-job-77").is_none());
}
