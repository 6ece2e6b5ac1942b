//! `force` replaces a healthy template without a moment with no template for the OS: the new one
//! is baked as `nimbus-<os>-next` and swapped in; the old one becomes `-retired` and is destroyed
//! only once no VM depends on it (a linked clone does).

use nimbus::adapters::proxmox::sim::Scenario;
use nimbus::app::provisioning::bootstrap::BootstrapRequest;
use nimbus::domain::clone_mode::CloneMode;

use super::super::sim::form;
use super::{Boot, outcomes};

fn names_of(boot: &Boot) -> Vec<(u32, String)> {
    let mut names: Vec<(u32, String)> = boot.templates().into_iter().map(|t| (t.1, t.2)).collect();
    names.sort();
    names
}

#[tokio::test]
async fn force_swaps_in_a_new_template_and_retires_the_old_once_no_linked_clone_needs_it() {
    let mut boot = Boot::new(Scenario::empty(1)).await;
    boot.sim.settings.clone_mode = CloneMode::Linked;
    boot.vms = boot.sim.provisioner_following();
    boot.bootstrap = Boot::service(&boot.sim, &boot.vms, &boot.images, "local-lvm");
    let only_debian = || BootstrapRequest {
        os: vec!["debian-12".into()],
        ..BootstrapRequest::default()
    };
    let (slots, _) = boot.run(only_debian()).await;
    assert_eq!(outcomes(&slots), ["created"]);
    let old = names_of(&boot)[0].0;

    // A linked clone of the template.
    boot.vms.runner.start().await.unwrap();
    let id = boot
        .vms
        .submissions
        .submit(&boot.sim.caller, form("linked-1"), None)
        .await
        .unwrap()
        .id;
    boot.sim.settle(&boot.vms, &[id]).await;
    let clone_disk = boot
        .sim
        .cluster
        .vm_configs()
        .into_iter()
        .find(|(_, _, c)| c.get("name").map(String::as_str) == Some("linked-1"))
        .and_then(|(_, _, c)| c.get("scsi0").cloned())
        .unwrap();
    assert!(clone_disk.contains(&format!("base-{old}-")), "{clone_disk}");

    // Rebuild, watching that a usable template exists at every moment.
    boot.bootstrap
        .start(
            Some(&boot.sim.caller),
            BootstrapRequest {
                force: true,
                ..only_debian()
            },
        )
        .await
        .unwrap();
    for _ in 0..200_000 {
        let usable = boot
            .templates()
            .iter()
            .any(|t| t.2.starts_with("nimbus-debian-12") && !t.2.ends_with("-retired"));
        assert!(usable, "a moment without a debian-12 template: {:?}", names_of(&boot));
        if !boot.bootstrap.is_running() {
            break;
        }
        boot.step().await;
    }
    let (slots, summary) = boot.bootstrap.last_run();
    assert_eq!(outcomes(&slots), ["replaced"], "{summary}");
    let names = names_of(&boot);
    assert_eq!(names.len(), 2, "{names:?}");
    assert_eq!(
        names[0],
        (old, "nimbus-debian-12-retired".to_owned()),
        "the old one waits for its clone"
    );
    assert_eq!(names[1].1, "nimbus-debian-12");
    boot.assert_all_baked();
    nimbus::app::jobs::Job::tick(boot.vms.discovery.as_ref(), chrono::Utc::now()).await;
    let status = boot.bootstrap.status().await.unwrap();
    let cell = status.cells.iter().find(|c| c.os == "debian-12").unwrap();
    assert_eq!(
        cell.vmid.map(|v| v.get()),
        Some(names[1].0),
        "discovery uses the new one"
    );
    assert_eq!(status.retired.iter().map(|v| v.get()).collect::<Vec<_>>(), [old]);

    // Nothing changes while the clone exists; once it is gone the old template is destroyed.
    assert_eq!(boot.driving(boot.bootstrap.retire_pending()).await.0, 0);
    boot.vms.lifecycle.delete(&boot.sim.caller, id).await.unwrap();
    boot.sim.settle(&boot.vms, &[id]).await;
    let (destroyed, kept) = boot.driving(boot.bootstrap.retire_pending()).await;
    assert_eq!((destroyed, kept.len()), (1, 0));
    assert_eq!(names_of(&boot), vec![names[1].clone()], "no orphan is left");
}
