//! Public SSH through the simulated Gopher over the simulated cluster: the bootstrap really runs
//! inside the right VM through its guest agent; a tunnel failure (Gopher down, a machine that
//! never connects) ends with a ready VM and words, and Retry public access works once Gopher is
//! back; delete removes the Gopher machine, waiting out an outage; a crash while exposing or
//! deleting leaves no machine on Gopher without a live VM.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use nimbus::adapters::gopher::sim::GopherFault;
use nimbus::adapters::proxmox::sim::Scenario;
use nimbus::app::provisioning::{Checkpoint, ProvisionForm, Provisioning};
use nimbus::domain::ids::InstanceId;
use nimbus::domain::provisioning::Phase;
use nimbus::ports::Clock;
use nimbus::ports::provisions::{ProvisionRecord, PublicState};

use super::sim::{Mode, Sim, form};

fn public(hostname: &str) -> ProvisionForm {
    ProvisionForm {
        public_tunnel: Some(true),
        ..form(hostname)
    }
}

async fn provision(sim: &Sim, vms: &Arc<Provisioning>, hostname: &str) -> InstanceId {
    let id = vms
        .submissions
        .submit(&sim.caller, public(hostname), None)
        .await
        .unwrap()
        .id;
    sim.settle(vms, &[id]).await;
    id
}

async fn record(sim: &Sim, id: InstanceId) -> ProvisionRecord {
    sim.record(id).await
}

async fn delete(sim: &Sim, vms: &Arc<Provisioning>, id: InstanceId) {
    vms.lifecycle.delete(&sim.caller, id).await.unwrap();
    sim.settle(vms, &[id]).await;
    assert_eq!(*record(sim, id).await.provision.phase(), Phase::Deleted);
}

#[tokio::test]
async fn public_ssh_connects_through_the_guest_agent_and_delete_removes_the_machine() {
    let sim = Sim::new(Scenario::default_cluster(2), Mode::Realistic).await;
    let vms = sim.provisioner(None);
    vms.runner.start().await.unwrap();
    let id = provision(&sim, &vms, "web-pub").await;
    let r = record(&sim, id).await;
    assert_eq!(*r.provision.phase(), Phase::Ready);
    assert_eq!(r.public.state, PublicState::Connected, "{:?}", r.public);
    assert_eq!(r.public.ssh_host.as_deref(), Some("gopher.sim.test"));
    let machine = r.provision.held().tunnel.clone().expect("the machine is held");
    let on_gopher = nimbus::ports::tunnel_gateway::MachineId(machine);
    assert_eq!(
        r.public.ssh_port,
        sim.gopher.ssh_port(&on_gopher),
        "the port is the one Gopher's bootstrap printed inside the VM"
    );
    assert_eq!(
        sim.gopher.machine_name(&on_gopher).as_deref(),
        Some("web-pub"),
        "the bootstrap ran in this VM"
    );
    assert!(r.public.error.is_none());
    delete(&sim, &vms, id).await;
    assert!(sim.gopher.machine_ids().is_empty(), "delete removes the Gopher machine");
    sim.check().await;
}

#[tokio::test]
async fn gopher_down_at_registration_leaves_a_ready_vm_with_words_and_a_retry_works_once_it_is_back() {
    let sim = Sim::new(Scenario::default_cluster(2), Mode::Realistic).await;
    let vms = sim.provisioner(None);
    vms.runner.start().await.unwrap();
    sim.gopher.inject(GopherFault::Down);
    let id = provision(&sim, &vms, "web-down").await;
    let r = record(&sim, id).await;
    assert_eq!(
        *r.provision.phase(),
        Phase::Ready,
        "a tunnel failure never fails the VM"
    );
    assert_eq!(r.public.state, PublicState::Failed);
    let error = r.public.error.clone().unwrap();
    assert!(error.contains("Gopher did not answer"), "{error}");
    assert!(sim.gopher.machine_ids().is_empty());
    sim.check().await;

    sim.gopher.heal();
    vms.lifecycle.retry_public_ssh(&sim.caller, id).await.unwrap();
    sim.settle(&vms, &[id]).await;
    let r = record(&sim, id).await;
    assert_eq!(r.public.state, PublicState::Connected, "{:?}", r.public);
    assert_eq!(sim.gopher.machine_ids().len(), 1);
    assert!(
        vms.lifecycle.retry_public_ssh(&sim.caller, id).await.is_err(),
        "nothing to retry once it works"
    );
    delete(&sim, &vms, id).await;
    sim.check().await;
}

#[tokio::test]
async fn a_machine_that_never_connects_ends_with_words_and_a_retry_replaces_it() {
    let sim = Sim::new(Scenario::default_cluster(2), Mode::Realistic).await;
    let vms = sim.provisioner(None);
    vms.runner.start().await.unwrap();
    let fault = sim.gopher.inject(GopherFault::NeverConnects);
    let id = provision(&sim, &vms, "web-stuck").await;
    let r = record(&sim, id).await;
    assert_eq!(*r.provision.phase(), Phase::Ready);
    assert_eq!(r.public.state, PublicState::Failed);
    assert!(
        r.public.error.as_deref().unwrap().contains("did not see it connect"),
        "{:?}",
        r.public.error
    );
    let first = r.provision.held().tunnel.clone().unwrap();
    sim.check().await;

    sim.gopher.clear(fault);
    vms.lifecycle.retry_public_ssh(&sim.caller, id).await.unwrap();
    sim.settle(&vms, &[id]).await;
    let r = record(&sim, id).await;
    assert_eq!(r.public.state, PublicState::Connected, "{:?}", r.public);
    let second = r.provision.held().tunnel.clone().unwrap();
    assert_ne!(first, second, "the used-up machine was replaced");
    assert_eq!(sim.gopher.machine_ids().len(), 1, "and removed from Gopher");
    delete(&sim, &vms, id).await;
    sim.check().await;
}

#[tokio::test]
async fn gopher_down_during_delete_finishes_once_it_is_back() {
    let sim = Sim::new(Scenario::default_cluster(2), Mode::Realistic).await;
    let vms = sim.provisioner(None);
    vms.runner.start().await.unwrap();
    let id = provision(&sim, &vms, "web-gone").await;
    sim.gopher.inject(GopherFault::Down);
    vms.lifecycle.delete(&sim.caller, id).await.unwrap();
    let mut waiting = false;
    for _ in 0..2_000 {
        let r = record(&sim, id).await;
        if matches!(r.provision.phase(), Phase::Deleting { retry_at: Some(_), .. }) {
            waiting = true;
            break;
        }
        sim.clock.advance(chrono::Duration::milliseconds(100));
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    assert!(waiting, "the delete waits for Gopher");
    assert_eq!(
        sim.gopher.machine_ids().len(),
        1,
        "nothing is forgotten while Gopher is down"
    );
    sim.gopher.heal();
    sim.settle(&vms, &[id]).await;
    assert_eq!(*record(&sim, id).await.provision.phase(), Phase::Deleted);
    assert!(sim.gopher.machine_ids().is_empty());
    sim.check().await;
}

/// Freezes every run from the `n`th time any run reaches `point`.
fn crash_at(point: (&'static str, bool), n: usize, crashed: Arc<AtomicBool>) -> Checkpoint {
    let seen = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    Arc::new(move |_, word, after| {
        if (word, after) == point && seen.fetch_add(1, Ordering::SeqCst) + 1 == n {
            crashed.store(true, Ordering::SeqCst);
        }
        if crashed.load(Ordering::SeqCst) {
            Box::pin(std::future::pending())
        } else {
            Box::pin(async {})
        }
    })
}

async fn run_until_crash(sim: &Sim, vms: &Arc<Provisioning>, id: InstanceId, crashed: &AtomicBool) {
    for _ in 0..10_000 {
        if crashed.load(Ordering::SeqCst) || !vms.runner.is_running(id) {
            break;
        }
        sim.clock.advance(chrono::Duration::milliseconds(100));
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    assert!(crashed.load(Ordering::SeqCst), "the run reached the crash point");
    tokio::time::sleep(Duration::from_millis(5)).await;
}

#[tokio::test]
async fn a_crash_while_exposing_or_deleting_leaves_no_gopher_machine_without_a_live_vm() {
    // Before and after each look of the exposure (registration, then the bootstrap), and of the
    // delete (the Gopher machine first).
    let points = [
        (("exposing_tunnel", false), 1),
        (("exposing_tunnel", true), 1),
        (("exposing_tunnel", false), 2),
        (("exposing_tunnel", true), 2),
        (("deleting", false), 1),
        (("deleting", true), 1),
    ];
    for (point, n) in points {
        let sim = Sim::new(Scenario::default_cluster(2), Mode::Realistic).await;
        let crashed = Arc::new(AtomicBool::new(false));
        let first = sim.provisioner(Some(crash_at(point, n, crashed.clone())));
        first.runner.start().await.unwrap();
        let id = first
            .submissions
            .submit(&sim.caller, public("web-crash"), None)
            .await
            .unwrap()
            .id;
        if point.0 == "deleting" {
            sim.settle(&first, &[id]).await;
            first.lifecycle.delete(&sim.caller, id).await.unwrap();
        }
        run_until_crash(&sim, &first, id, &crashed).await;
        first.runner.shut_down();
        drop(first);

        let second = sim.provisioner(None);
        second.runner.start().await.unwrap();
        sim.settle(&second, &[id]).await;
        let r = record(&sim, id).await;
        if point.0 == "deleting" {
            assert_eq!(*r.provision.phase(), Phase::Deleted, "crash at {point:?} #{n}");
            assert!(sim.gopher.machine_ids().is_empty(), "crash at {point:?} #{n}");
        } else {
            assert_eq!(*r.provision.phase(), Phase::Ready, "crash at {point:?} #{n}");
            assert_eq!(
                r.public.state,
                PublicState::Connected,
                "crash at {point:?} #{n}: {:?}",
                r.public
            );
            assert_eq!(
                sim.gopher.machine_ids().len(),
                1,
                "crash at {point:?} #{n}: one machine"
            );
        }
        sim.check().await;
    }
}

#[tokio::test]
async fn a_silent_guest_agent_shows_the_command_to_run_by_hand_and_the_reconcile_sees_it_connect() {
    use nimbus::adapters::proxmox::sim::{Fault, FaultScope};
    use nimbus::ports::tunnel_gateway::BootstrapUrl;
    let sim = Sim::new(Scenario::default_cluster(2), Mode::Realistic).await;
    sim.cluster
        .inject(Fault::AgentNever { vmid: None }, FaultScope::UntilCleared);
    let vms = sim.provisioner(None);
    vms.runner.start().await.unwrap();
    let id = provision(&sim, &vms, "web-manual").await;
    let r = record(&sim, id).await;
    assert_eq!(*r.provision.phase(), Phase::Ready);
    assert_eq!((r.public.state, r.public.agent_silent), (PublicState::Failed, true));
    let state = vms.views.get(&sim.caller, id).await.unwrap();
    let manual = state.manual_command.expect("the command to run inside the machine");
    assert!(
        manual.contains("GOPHER_MACHINE_NAME") && manual.contains("/bootstrap/"),
        "{manual}"
    );
    let listed = vms.views.list(&sim.caller, false).await.unwrap();
    assert!(
        listed[0].manual_command.is_none(),
        "lists never carry the one-time link"
    );

    // The owner runs it inside the machine; the next reconcile sees the machine connected.
    let url = manual.split('\'').find(|w| w.contains("/bootstrap/")).unwrap();
    sim.gopher
        .run_bootstrap(&BootstrapUrl::new(url), "web-manual")
        .expect("the link is the machine's");
    let pass = vms.tunnel_watch.pass(sim.clock.now()).await.unwrap().unwrap();
    assert_eq!((pass.checked, pass.connected, pass.lost), (1, 1, 0));
    let r = record(&sim, id).await;
    assert_eq!(r.public.state, PublicState::Connected);
    delete(&sim, &vms, id).await;
    sim.check().await;
}

#[tokio::test]
async fn the_reconcile_reports_a_machine_gopher_lost_and_machines_of_nobody() {
    use nimbus::ports::tunnel_gateway::{MachineId, TunnelGateway};
    let sim = Sim::new(Scenario::default_cluster(2), Mode::Realistic).await;
    let vms = sim.provisioner(None);
    vms.runner.start().await.unwrap();
    let id = provision(&sim, &vms, "web-lost").await;
    let gateway = sim.gopher.client(super::gateway::GOPHER_KEY);
    let foreign = gateway.create_machine(false).await.unwrap().machine.id;
    let pass = vms.tunnel_watch.pass(sim.clock.now()).await.unwrap().unwrap();
    assert_eq!((pass.checked, pass.lost, pass.foreign), (1, 0, 1));
    let overview = vms.tunnel_watch.overview(&sim.caller).await.unwrap();
    let marked: Vec<(String, bool)> = overview
        .machines
        .iter()
        .map(|m| (m.machine.id.0.clone(), m.vm.is_none()))
        .collect();
    assert!(marked.contains(&(foreign.0.clone(), true)), "{marked:?}");

    let held = MachineId(record(&sim, id).await.provision.held().tunnel.clone().unwrap());
    gateway.delete_machine(&held).await.unwrap();
    let pass = vms.tunnel_watch.pass(sim.clock.now()).await.unwrap().unwrap();
    assert_eq!(pass.lost, 1);
    let r = record(&sim, id).await;
    assert_eq!(r.public.state, PublicState::Failed);
    assert!(
        r.public.error.as_deref().unwrap().contains("no longer has"),
        "{:?}",
        r.public.error
    );
    vms.lifecycle.retry_public_ssh(&sim.caller, id).await.unwrap();
    sim.settle(&vms, &[id]).await;
    assert_eq!(record(&sim, id).await.public.state, PublicState::Connected);
    gateway.delete_machine(&foreign).await.unwrap();
    delete(&sim, &vms, id).await;
    sim.check().await;
}

#[tokio::test]
async fn trying_a_failed_provision_again_keeps_its_request_for_public_ssh() {
    use nimbus::adapters::proxmox::sim::{Fault, FaultScope, Op};
    let sim = Sim::new(Scenario::default_cluster(2), Mode::Realistic).await;
    let vms = sim.provisioner(None);
    vms.runner.start().await.unwrap();
    sim.cluster.inject(
        Fault::TaskError {
            op: Op::Config,
            message: "unable to apply cloud-init settings".into(),
        },
        FaultScope::Once,
    );
    let first = provision(&sim, &vms, "web-again").await;
    assert!(matches!(
        record(&sim, first).await.provision.phase(),
        Phase::RolledBack { .. }
    ));
    assert!(
        sim.gopher.machine_ids().is_empty(),
        "nothing was registered for a machine never built"
    );
    let again = vms.submissions.retry(&sim.caller, first).await.unwrap().id;
    sim.settle(&vms, &[again]).await;
    let r = record(&sim, again).await;
    assert!(r.provision.spec().expose_ssh, "the retry asks for public SSH too");
    assert_eq!(r.public.state, PublicState::Connected, "{:?}", r.public);
    delete(&sim, &vms, again).await;
    sim.check().await;
}
