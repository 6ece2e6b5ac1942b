//! Contracts for the task model: a task runs until simulated time reaches its end, unknown tasks
//! are not found, and logs are numbered from 1 and end with Proxmox's `TASK …` line.

use nimbus::ports::proxmox::{ProxmoxError, TaskState};

use super::*;

pub async fn a_task_runs_until_the_clock_reaches_its_end(h: &dyn Harness) {
    let p = h.proxmox();
    let upid = p
        .clone_vm(&clone_request("pve1", UBUNTU, 100, "task-1"))
        .await
        .expect("clone");
    assert_eq!(
        (upid.node(), upid.kind(), upid.id()),
        (&pve1(), "qmclone", "9000"),
        "{upid}"
    );
    assert!(upid.user().contains('@'), "{upid}");
    for _ in 0..3 {
        let status = p.task_status(&upid).await.expect("status");
        assert_eq!(
            status.state,
            TaskState::Running,
            "nothing moves while the clock stands still"
        );
        assert_eq!(status.upid, upid);
    }
    assert_eq!(wait_task(h, &upid).await, ExitStatus::Ok);
    let status = p.task_status(&upid).await.expect("status");
    assert_eq!(
        status.state,
        TaskState::Stopped(ExitStatus::Ok),
        "a finished task stays finished"
    );
}

pub async fn an_unknown_but_well_formed_task_is_not_found(h: &dyn Harness) {
    let p = h.proxmox();
    let ghost = Upid::new(pve1(), 0x1234, 0x5678, 0x6950_0000, "qmstart", "100", "root@pam");
    let e = expect_err(p.task_status(&ghost).await, "unknown task");
    assert!(matches!(e, ProxmoxError::NotFound(_)), "{e:?}");
    let e = expect_err(p.task_log(&ghost, 0, 0).await, "log of an unknown task");
    assert!(matches!(e, ProxmoxError::NotFound(_)), "{e:?}");

    let real = p
        .clone_vm(&clone_request("pve1", UBUNTU, 100, "task-2"))
        .await
        .expect("clone");
    let elsewhere = Upid::new(
        node("pve2"),
        real.pid(),
        real.pstart(),
        real.starttime(),
        real.kind(),
        real.id(),
        real.user(),
    );
    let e = expect_err(p.task_status(&elsewhere).await, "the same task id on another node");
    assert!(matches!(e, ProxmoxError::NotFound(_)), "{e:?}");
}

pub async fn task_log_numbers_lines_from_one_and_ends_with_the_task_status(h: &dyn Harness) {
    let p = h.proxmox();
    let upid = p
        .clone_vm(&clone_request("pve1", UBUNTU, 100, "task-3"))
        .await
        .expect("clone");
    wait_ok(h, &upid, "clone").await;
    let log = p.task_log(&upid, 0, 0).await.expect("log");
    assert!(log.total >= 2, "a clone logs what it does before TASK OK: {log:?}");
    assert_eq!(log.lines.len() as u32, log.total, "limit 0 is everything");
    let numbers: Vec<u32> = log.lines.iter().map(|(n, _)| *n).collect();
    assert_eq!(numbers, (1..=log.total).collect::<Vec<_>>());
    assert_eq!(log.lines.last().map(|(_, t)| t.as_str()), Some("TASK OK"));

    let page = p.task_log(&upid, 1, 1).await.expect("one line after the first");
    assert_eq!(page.total, log.total);
    assert_eq!(page.lines, vec![log.lines[1].clone()]);

    let start = p
        .power(&pve1(), id(UBUNTU), PowerOp::Start)
        .await
        .expect("start a template");
    wait_error(h, &start, "start a template").await;
    let log = p.task_log(&start, 0, 0).await.expect("log");
    let last = log.lines.last().map(|(_, t)| t.clone()).unwrap_or_default();
    assert_eq!(last, "TASK ERROR: you can't start a vm if it's a template", "{log:?}");
}
