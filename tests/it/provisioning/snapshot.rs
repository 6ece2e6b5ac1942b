//! What reads cost Proxmox, over the simulator: listing machines shares one read of the cluster
//! per age window and refreshes after Nimbus's own actions; requests for an OS without a template
//! start at most one discovery per interval; and a refusal for want of room tells members what
//! the tier needs without naming a node.

use std::sync::Arc;

use nimbus::adapters::proxmox::sim::Scenario;
use nimbus::app::provisioning::ProvisionError;
use nimbus::domain::provisioning::{Phase, PowerAction};
use nimbus::ports::Clock;

use super::sim::{Mode, Sim, form};

const RESOURCES: &str = "cluster/resources";

#[tokio::test]
async fn listings_share_one_cluster_read_per_age_window_and_an_action_refreshes_it() {
    let sim = Sim::new(Scenario::default_cluster(2), Mode::Bench).await;
    let vms = sim.provisioner(None);
    vms.runner.start().await.unwrap();
    let id = vms
        .submissions
        .submit(&sim.caller, form("web-1"), None)
        .await
        .unwrap()
        .id;
    sim.settle(&vms, &[id]).await;
    assert_eq!(*sim.record(id).await.provision.phase(), Phase::Ready);

    let before = sim.cluster.asked(RESOURCES);
    let lists: Vec<_> = (0..10)
        .map(|_| {
            let (vms, caller) = (vms.clone(), sim.caller.clone());
            tokio::spawn(async move { vms.views.list(&caller, false).await })
        })
        .collect();
    for list in lists {
        let list = list.await.unwrap().unwrap();
        assert_eq!(list[0].status.as_str(), "running");
    }
    vms.views.get(&sim.caller, id).await.unwrap();
    vms.fleet.fleet_stats().await.unwrap();
    assert_eq!(
        sim.cluster.asked(RESOURCES),
        before + 1,
        "ten listings, a machine and the figures"
    );

    sim.clock.advance(chrono::Duration::seconds(6));
    let listed = vms.views.list(&sim.caller, false).await.unwrap();
    assert_eq!(
        sim.cluster.asked(RESOURCES),
        before + 2,
        "past the age bound it is read again"
    );
    assert_eq!(
        listed[0].status_at,
        Some(sim.clock.now()),
        "the answer says when it was read"
    );

    vms.views.list(&sim.caller, false).await.unwrap();
    let acted_at = sim.clock.now();
    vms.lifecycle.power(&sim.caller, id, PowerAction::Stop).await.unwrap();
    sim.settle(&vms, &[id]).await;
    assert!(
        sim.clock.now() - acted_at < chrono::Duration::seconds(5),
        "the stop ends within the age bound, so only the action can make the next read ask"
    );
    let after_action = sim.cluster.asked(RESOURCES);
    vms.views.list(&sim.caller, false).await.unwrap();
    assert_eq!(
        sim.cluster.asked(RESOURCES),
        after_action + 1,
        "the stop made the snapshot stale, within the age bound or not"
    );
}

#[tokio::test]
async fn requests_for_an_os_without_a_template_start_one_discovery_per_interval() {
    let sim = Sim::new(Scenario::empty(3), Mode::Bench).await;
    let vms = sim.provisioner(None);
    vms.runner.start().await.unwrap();
    let before = sim.cluster.asked(RESOURCES);
    let requests: Vec<_> = (0..6)
        .map(|n| {
            let (vms, caller) = (vms.clone(), sim.caller.clone());
            tokio::spawn(async move { vms.submissions.submit(&caller, form(&format!("web-{n}")), None).await })
        })
        .collect();
    for r in requests {
        let refused = r.await.unwrap().unwrap_err();
        assert!(matches!(refused, ProvisionError::NoTemplate(_)), "{refused:?}");
    }
    assert_eq!(
        sim.cluster.asked(RESOURCES),
        before + 1,
        "one discovery for six requests"
    );
    sim.clock.advance(chrono::Duration::seconds(31));
    vms.submissions
        .submit(&sim.caller, form("web-9"), None)
        .await
        .unwrap_err();
    assert_eq!(
        sim.cluster.asked(RESOURCES),
        before + 2,
        "the next interval may discover again"
    );
}

#[tokio::test]
async fn members_see_what_the_tier_needs_but_no_node_in_a_no_capacity_refusal() {
    let mut sim = Sim::new(Scenario::default_cluster(2), Mode::Bench).await;
    sim.settings.scoring.excluded = ["pve1", "pve2"]
        .iter()
        .map(|n| nimbus::domain::cluster::NodeName::parse(n).unwrap())
        .collect();
    let vms: Arc<_> = sim.provisioner(None);
    vms.runner.start().await.unwrap();
    let member = sim.member("member@lab.example").await;
    let refused = vms.submissions.submit(&member, form("web-1"), None).await.unwrap_err();
    let ProvisionError::NoCapacity(message) = &refused else {
        panic!("{refused:?}");
    };
    assert!(message.contains("no node can take a small VM ("), "{message}");
    assert!(!message.contains("pve1") && !message.contains("pve2"), "{message}");
    assert!(!message.contains("excluded"), "no node's verdict: {message}");

    let refused = vms
        .submissions
        .submit(&sim.caller, form("web-2"), None)
        .await
        .unwrap_err();
    let ProvisionError::NoCapacity(message) = &refused else {
        panic!("{refused:?}");
    };
    assert!(
        message.contains("pve1 excluded by an admin"),
        "admins see each node: {message}"
    );
}
