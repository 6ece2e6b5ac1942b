//! Contracts for VM configuration and disk resizing: async and sync config writes, digests, the
//! URL-encoded `sshkeys` rule, unknown keys, and resize checks that run inside the task.

use nimbus::ports::proxmox::{DiskSize, ProxmoxError};

use super::*;

pub async fn update_config_applies_its_change_in_a_qmconfig_task(h: &dyn Harness) {
    let p = h.proxmox();
    let vmid = cloned(h, UBUNTU, 100, "cfg-1").await;
    let change = set(&[("name", "cfg-renamed"), ("cores", "2"), ("memory", "4096")]);
    let upid = p.update_config(&pve1(), vmid, &change).await.expect("POST config");
    assert_eq!(upid.kind(), "qmconfig");
    wait_ok(h, &upid, "config task").await;
    let config = p.vm_config(&pve1(), vmid).await.expect("config");
    assert_eq!(config.get("name"), Some("cfg-renamed"));
    assert_eq!(config.get("cores"), Some("2"));
    assert_eq!(config.get("memory"), Some("4096"));
    let status = p.vm_status(&pve1(), vmid).await.expect("status");
    assert_eq!(
        (status.name.as_str(), status.cpus, status.maxmem),
        ("cfg-renamed", 2, 4096 * MIB)
    );

    let e = expect_err(p.update_config(&pve1(), id(4242), &change).await, "unknown VM");
    assert!(matches!(e, ProxmoxError::NotFound(_)), "{e:?}");
    let e = expect_err(p.update_config_sync(&pve1(), id(4242), &change).await, "unknown VM");
    assert!(matches!(e, ProxmoxError::NotFound(_)), "{e:?}");
}

pub async fn update_config_sync_applies_at_once_and_deletes_keys(h: &dyn Harness) {
    let p = h.proxmox();
    let vmid = cloned(h, UBUNTU, 100, "cfg-2").await;
    let before = p.vm_config(&pve1(), vmid).await.expect("config");
    let change = set(&[("description", "made by a contract test"), ("ciuser", "nimbus")]);
    p.update_config_sync(&pve1(), vmid, &change).await.expect("PUT config");
    let after = p.vm_config(&pve1(), vmid).await.expect("config");
    assert_eq!(after.get("description"), Some("made by a contract test"));
    assert_eq!(after.get("ciuser"), Some("nimbus"));
    assert_ne!(after.digest, before.digest, "every write changes the digest");

    let delete = ConfigChange {
        delete: vec!["description".into()],
        ..ConfigChange::default()
    };
    p.update_config_sync(&pve1(), vmid, &delete).await.expect("PUT delete");
    let last = p.vm_config(&pve1(), vmid).await.expect("config");
    assert_eq!(last.get("description"), None);
    assert_eq!(last.get("ciuser"), Some("nimbus"));
    assert_ne!(last.digest, after.digest);
}

pub async fn a_stale_digest_is_refused(h: &dyn Harness) {
    let p = h.proxmox();
    let vmid = cloned(h, UBUNTU, 100, "cfg-3").await;
    let digest = p.vm_config(&pve1(), vmid).await.expect("config").digest;
    let mut change = set(&[("description", "first")]);
    change.digest = Some(digest.clone());
    p.update_config_sync(&pve1(), vmid, &change)
        .await
        .expect("a current digest is accepted");

    change.set = vec![("description".into(), "second".into())];
    let e = expect_err(
        p.update_config_sync(&pve1(), vmid, &change).await,
        "PUT with a stale digest",
    );
    assert!(
        matches!(e, ProxmoxError::Refused(ref m) if m.contains("checksum mismatch")),
        "{e:?}"
    );
    let e = expect_err(
        p.update_config(&pve1(), vmid, &change).await,
        "POST with a stale digest",
    );
    assert!(
        matches!(e, ProxmoxError::Refused(ref m) if m.contains("checksum mismatch")),
        "{e:?}"
    );
    assert_eq!(config_value(h, &pve1(), vmid, "description").await, "first");
}

pub async fn sshkeys_must_be_url_encoded(h: &dyn Harness) {
    let p = h.proxmox();
    let vmid = cloned(h, UBUNTU, 100, "cfg-4").await;
    let raw = set(&[("sshkeys", SSH_KEY)]);
    let e = expect_err(p.update_config_sync(&pve1(), vmid, &raw).await, "raw sshkeys");
    match &e {
        ProxmoxError::InvalidParameters { errors } => assert!(errors.contains_key("sshkeys"), "{errors:?}"),
        other => panic!("raw sshkeys gave {other:?}"),
    }
    let e = expect_err(p.update_config(&pve1(), vmid, &raw).await, "raw sshkeys, async");
    assert!(matches!(e, ProxmoxError::InvalidParameters { .. }), "{e:?}");

    let encoded = url_encode(SSH_KEY);
    assert!(
        encoded.starts_with("ssh-ed25519%20AAAA") && !encoded.contains('+'),
        "{encoded}"
    );
    p.update_config_sync(&pve1(), vmid, &set(&[("sshkeys", &encoded)]))
        .await
        .expect("encoded sshkeys");
    assert_eq!(
        config_value(h, &pve1(), vmid, "sshkeys").await,
        encoded,
        "stored still encoded"
    );
}

pub async fn update_config_refuses_a_key_proxmox_does_not_know(h: &dyn Harness) {
    let vmid = cloned(h, UBUNTU, 100, "cfg-5").await;
    let change = set(&[("cores", "2"), ("no-such-option", "1")]);
    let e = expect_err(
        h.proxmox().update_config_sync(&pve1(), vmid, &change).await,
        "unknown key",
    );
    match &e {
        ProxmoxError::InvalidParameters { errors } => assert!(errors.contains_key("no-such-option"), "{errors:?}"),
        other => panic!("unknown key gave {other:?}"),
    }
    assert_eq!(
        config_value(h, &pve1(), vmid, "cores").await,
        "1",
        "nothing was applied"
    );
}

pub async fn resize_grows_a_disk_and_refuses_to_shrink_inside_the_task(h: &dyn Harness) {
    let p = h.proxmox();
    let vmid = cloned(h, UBUNTU, 100, "disk-1").await;
    let upid = p
        .resize_disk(&pve1(), vmid, "scsi0", DiskSize::Absolute(30 * GIB))
        .await
        .expect("resize");
    assert_eq!(upid.kind(), "resize");
    wait_ok(h, &upid, "grow to 30 GiB").await;
    let scsi0 = config_value(h, &pve1(), vmid, "scsi0").await;
    assert!(scsi0.contains("size=30G"), "{scsi0}");
    assert_eq!(p.vm_status(&pve1(), vmid).await.expect("status").maxdisk, 30 * GIB);

    let upid = p
        .resize_disk(&pve1(), vmid, "scsi0", DiskSize::Grow(2 * GIB))
        .await
        .expect("grow");
    wait_ok(h, &upid, "grow by 2 GiB").await;
    let scsi0 = config_value(h, &pve1(), vmid, "scsi0").await;
    assert!(scsi0.contains("size=32G"), "{scsi0}");

    let upid = p
        .resize_disk(&pve1(), vmid, "scsi0", DiskSize::Absolute(10 * GIB))
        .await
        .expect("accepted");
    let error = wait_error(h, &upid, "shrink").await;
    assert!(error.contains("shrinking disks is not supported"), "{error:?}");
    assert!(config_value(h, &pve1(), vmid, "scsi0").await.contains("size=32G"));

    let upid = p
        .resize_disk(&pve1(), vmid, "scsi7", DiskSize::Grow(GIB))
        .await
        .expect("accepted");
    let error = wait_error(h, &upid, "unknown disk").await;
    assert!(error.contains("scsi7"), "{error:?}");

    let e = expect_err(
        p.resize_disk(&pve1(), id(4242), "scsi0", DiskSize::Grow(GIB)).await,
        "unknown VM",
    );
    assert!(matches!(e, ProxmoxError::NotFound(_)), "{e:?}");
}
