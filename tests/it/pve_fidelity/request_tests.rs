//! `check_request` on hand-written requests: conforming ones pass, and each kind of violation that
//! real PVE would refuse is reported.

use super::schema::{Exchange, check_request};
use super::{assert_clean, assert_flags};

fn clone_9000() -> Exchange {
    Exchange::new("POST", "/nodes/pve1/qemu/9000/clone")
        .form("newid", "123")
        .form("name", "web-1")
        .form("full", "0")
}

#[test]
fn conforming_requests_pass() {
    assert_clean(check_request(&clone_9000()));
    assert_clean(check_request(&Exchange::new("GET", "/version")));
    assert_clean(check_request(&Exchange::new("GET", "/cluster/nextid")));
    assert_clean(check_request(
        &Exchange::new("GET", "/cluster/nextid").query("vmid", "105"),
    ));
    assert_clean(check_request(
        &Exchange::new("GET", "/cluster/resources").query("type", "vm"),
    ));
    assert_clean(check_request(
        &Exchange::new("POST", "/nodes/pve1/qemu/123/config")
            .form("cores", "4")
            .form("memory", "4096")
            .form("agent", "1")
            .form("onboot", "1")
            .form("tags", "nimbus;web")
            .form("ciuser", "ubuntu")
            .form("ipconfig0", "ip=10.0.0.5/24,gw=10.0.0.1")
            .form("net0", "virtio,bridge=vmbr0")
            .form("sshkeys", "ssh-ed25519%20AAAAC3Nza%2Bx%2F%3D%3D%20me%40host")
            .form("delete", "ide2,unused0")
            .form("background_delay", "5"),
    ));
    assert_clean(check_request(
        &Exchange::new("PUT", "/nodes/pve1/qemu/123/config")
            .form("description", "hello")
            .form("digest", "0123456789abcdef0123456789abcdef01234567"),
    ));
    assert_clean(check_request(
        &Exchange::new("DELETE", "/nodes/pve1/qemu/123")
            .query("purge", "1")
            .query("destroy-unreferenced-disks", "1"),
    ));
    assert_clean(check_request(
        &Exchange::new("PUT", "/nodes/pve1/qemu/123/resize")
            .form("disk", "scsi0")
            .form("size", "+10G"),
    ));
    assert_clean(check_request(
        &Exchange::new("POST", "/nodes/pve2/qemu")
            .form("vmid", "200")
            .form("name", "imported")
            .form("scsi0", "local-lvm:0,import-from=local:import/noble.qcow2")
            .form("ide2", "local-lvm:cloudinit"),
    ));
    assert_clean(check_request(
        &Exchange::new("POST", "/nodes/pve1/storage/local/download-url")
            .form("content", "import")
            .form("filename", "noble.qcow2")
            .form("url", "https://127.0.0.1:9/noble.img")
            .form("checksum", "abc")
            .form("checksum-algorithm", "sha256"),
    ));
    assert_clean(check_request(
        &Exchange::new(
            "GET",
            "/nodes/pve1/tasks/UPID%3Apve1%3A0001A2B3%3A00C0FFEE%3A6650A1B2%3Aqmclone%3A9000%3Aroot%40pam%3A/log",
        )
        .query("start", "0")
        .query("limit", "0"),
    ));
}

#[test]
fn a_repeated_key_is_fine_for_an_array_parameter() {
    let exec = Exchange::new("POST", "/nodes/pve1/qemu/123/agent/exec")
        .form("command", "/bin/sh")
        .form("command", "-c")
        .form("command", "echo hi");
    assert_clean(check_request(&exec));
    let write = Exchange::new("POST", "/nodes/pve1/qemu/123/agent/file-write")
        .form("file", "/etc/motd")
        .form("content", "hello")
        .form("encode", "1");
    assert_clean(check_request(&write));
}

#[test]
fn json_bodies_may_carry_true_and_false() {
    let mut ex = clone_9000();
    ex.params[2].1 = "false".into();
    ex.json_body = true;
    assert_clean(check_request(&ex));
}

#[test]
fn a_full_true_clone_is_a_boolean_violation() {
    let ex = Exchange::new("POST", "/nodes/pve1/qemu/9000/clone")
        .form("newid", "123")
        .form("full", "true");
    assert_flags(
        check_request(&ex),
        &["param 'full'", "type check ('boolean') failed - got 'true'"],
    );
}

#[test]
fn a_clone_without_newid_misses_a_required_parameter() {
    let ex = Exchange::new("POST", "/nodes/pve1/qemu/9000/clone").form("name", "web-1");
    assert_flags(check_request(&ex), &["missing required param 'newid'"]);
}

#[test]
fn an_unknown_parameter_is_reported() {
    let ex = clone_9000().form("fullclone", "1");
    assert_flags(check_request(&ex), &["unknown param 'fullclone'"]);
    let put = Exchange::new("PUT", "/nodes/pve1/qemu/123/config").form("background_delay", "5");
    assert_flags(check_request(&put), &["unknown param 'background_delay'"]);
}

#[test]
fn indexed_config_keys_beyond_their_family_are_unknown() {
    let ex = Exchange::new("PUT", "/nodes/pve1/qemu/123/config")
        .form("net32", "virtio,bridge=vmbr0")
        .form("scsi31", "local-lvm:1")
        .form("ide4", "none,media=cdrom");
    let v = check_request(&ex);
    for key in ["net32", "scsi31", "ide4"] {
        assert_flags(v.clone(), &[format!("unknown param '{key}'").as_str()]);
    }
}

#[test]
fn a_body_on_delete_or_get_is_reported() {
    let delete = Exchange::new("DELETE", "/nodes/pve1/qemu/123").form("purge", "1");
    assert_flags(
        check_request(&delete),
        &["request body on DELETE", "Unexpected content"],
    );
    let get = Exchange::new("GET", "/nodes/pve1/qemu/123/config").form("current", "1");
    assert_flags(check_request(&get), &["request body on GET"]);
    let mut json = Exchange::new("GET", "/nodes");
    json.json_body = true;
    assert_flags(check_request(&json), &["request body on GET"]);
}

#[test]
fn a_repeated_key_for_a_plain_parameter_is_reported() {
    let ex = clone_9000().form("name", "web-2");
    assert_flags(check_request(&ex), &["param 'name' given 2 times but is not an array"]);
}

#[test]
fn integers_must_be_digits_within_their_range() {
    let cores = Exchange::new("PUT", "/nodes/pve1/qemu/123/config").form("cores", "two");
    assert_flags(
        check_request(&cores),
        &["param 'cores'", "type check ('integer') failed - got 'two'"],
    );
    let zero = Exchange::new("PUT", "/nodes/pve1/qemu/123/config").form("cores", "0");
    assert_flags(check_request(&zero), &["param 'cores'", "minimum value of 1"]);
    let delay = Exchange::new("POST", "/nodes/pve1/qemu/123/config").form("background_delay", "31");
    assert_flags(
        check_request(&delay),
        &["param 'background_delay'", "maximum value of 30"],
    );
    let newid = Exchange::new("POST", "/nodes/pve1/qemu/9000/clone").form("newid", "99");
    assert_flags(check_request(&newid), &["param 'newid'", "valid VM ID"]);
    let huge = Exchange::new("GET", "/cluster/nextid").query("vmid", "99999999999999999999999");
    assert_flags(check_request(&huge), &["param 'vmid'"]);
    let float = Exchange::new("GET", "/nodes/pve1/tasks/x/log").query("limit", "1.5");
    assert_flags(check_request(&float), &["param 'limit'", "type check ('integer')"]);
}

#[test]
fn path_placeholders_are_checked_like_parameters() {
    let bad_vmid = Exchange::new("GET", "/nodes/pve1/qemu/abc/config");
    assert_flags(
        check_request(&bad_vmid),
        &["param 'vmid'", "type check ('integer') failed - got 'abc'"],
    );
    let bad_node = Exchange::new("GET", "/nodes/-pve1/qemu");
    assert_flags(check_request(&bad_node), &["param 'node'", "invalid format"]);
    let conflict = Exchange::new("POST", "/nodes/pve1/qemu/123/config").form("vmid", "124");
    assert_flags(check_request(&conflict), &["param 'vmid'", "conflicting values"]);
    let same = Exchange::new("POST", "/nodes/pve1/qemu/123/config").form("vmid", "123");
    assert_clean(check_request(&same));
}

#[test]
fn enumerations_formats_patterns_and_lengths_are_enforced() {
    let ostype = Exchange::new("PUT", "/nodes/pve1/qemu/123/config").form("ostype", "linux");
    assert_flags(
        check_request(&ostype),
        &["param 'ostype'", "does not have a value in the enumeration"],
    );
    let format = clone_9000().form("format", "qcow");
    assert_flags(
        check_request(&format),
        &["param 'format'", "enumeration 'raw, qcow2, vmdk'"],
    );
    let content = Exchange::new("POST", "/nodes/pve1/storage/local/download-url")
        .form("content", "images")
        .form("filename", "x.img")
        .form("url", "ftp://127.0.0.1/x.img");
    let v = check_request(&content);
    assert_flags(v.clone(), &["param 'content'", "enumeration 'iso, vztmpl, import'"]);
    assert_flags(v, &["param 'url'", "regex pattern"]);
    let size = Exchange::new("PUT", "/nodes/pve1/qemu/123/resize")
        .form("disk", "scsi0")
        .form("size", "10GB");
    assert_flags(check_request(&size), &["param 'size'", "regex pattern"]);
    let disk = Exchange::new("PUT", "/nodes/pve1/qemu/123/resize")
        .form("disk", "scsi31")
        .form("size", "1G");
    assert_flags(check_request(&disk), &["param 'disk'", "enumeration"]);
    let sshkeys = Exchange::new("PUT", "/nodes/pve1/qemu/123/config").form("sshkeys", "ssh-ed25519 AAAAC3 me@host");
    assert_flags(
        check_request(&sshkeys),
        &["param 'sshkeys'", "invalid urlencoded string"],
    );
    let name = clone_9000()
        .form("description", "x")
        .form("snapname", "a".repeat(41).as_str());
    assert_flags(
        check_request(&name),
        &["param 'snapname'", "may only be 40 characters long"],
    );
    let dns = Exchange::new("PUT", "/nodes/pve1/qemu/123/config").form("name", "web_1");
    assert_flags(check_request(&dns), &["param 'name'", "valid DNS name"]);
    let tags = Exchange::new("PUT", "/nodes/pve1/qemu/123/config").form("tags", "ok;not ok!");
    assert_flags(check_request(&tags), &["param 'tags'", "invalid format"]);
}

#[test]
fn requires_and_delete_lists_are_enforced() {
    let force = Exchange::new("PUT", "/nodes/pve1/qemu/123/config").form("force", "1");
    assert_flags(check_request(&force), &["param 'force' requires 'delete'"]);
    let checksum = Exchange::new("POST", "/nodes/pve1/storage/local/download-url")
        .form("content", "iso")
        .form("filename", "x.iso")
        .form("url", "https://127.0.0.1/x.iso")
        .form("checksum", "abc");
    assert_flags(
        check_request(&checksum),
        &["param 'checksum' requires 'checksum-algorithm'"],
    );
    let delete = Exchange::new("PUT", "/nodes/pve1/qemu/123/config").form("delete", "ide2,bogus");
    assert_flags(check_request(&delete), &["'bogus' is not a VM config key"]);
}

#[test]
fn create_needs_a_vmid_and_takes_config_keys() {
    let ex = Exchange::new("POST", "/nodes/pve1/qemu")
        .form("name", "x")
        .form("cores", "2");
    assert_flags(check_request(&ex), &["missing required param 'vmid'"]);
    let bad = Exchange::new("POST", "/nodes/pve1/qemu")
        .form("vmid", "300")
        .form("template", "yes");
    assert_flags(check_request(&bad), &["param 'template'", "boolean"]);
}

#[test]
fn an_unknown_endpoint_is_reported() {
    assert_flags(
        check_request(&Exchange::new("GET", "/nodes/pve1/lxc")),
        &["unknown endpoint"],
    );
    assert_flags(
        check_request(&Exchange::new("POST", "/nodes/pve1/qemu/100/status/suspend")),
        &["unknown endpoint"],
    );
}

#[test]
fn the_body_split_follows_query_len() {
    let ex = Exchange::new("POST", "/x")
        .form("a", "1")
        .query("b", "2")
        .form("c", "3");
    assert_eq!(ex.query_len, 1);
    assert_eq!(ex.params[0], ("b".to_string(), "2".to_string()));
    let keys: Vec<&str> = ex.body_params().iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(keys, ["a", "c"]);
}
