//! `check_response` on hand-written replies: PVE-shaped ones pass, and each way a reply can give
//! itself away as not-PVE is reported.

use serde_json::json;

use super::schema::{Exchange, check_response};
use super::{assert_clean, assert_flags};

const UPID: &str = "UPID:pve1:0001A2B3:00C0FFEE:6650A1B2:qmclone:9000:root@pam!nimbus:";
const UPID_PATH: &str = "UPID%3Apve1%3A0001A2B3%3A00C0FFEE%3A6650A1B2%3Aqmclone%3A9000%3Aroot%40pam%21nimbus%3A";

fn get(path: &str, body: serde_json::Value) -> Exchange {
    Exchange::new("GET", path).reply(200, body)
}

fn config_body() -> serde_json::Value {
    json!({"data": {
        "name": "web-1", "cores": 2, "sockets": 1, "memory": "2048", "agent": "1", "onboot": 1,
        "net0": "virtio=BC:24:11:11:75:0E,bridge=vmbr0", "scsi0": "local-lvm:vm-123-disk-0,size=32G",
        "ide2": "local-lvm:vm-123-cloudinit,media=cdrom", "ipconfig0": "ip=dhcp", "boot": "order=scsi0;ide2;net0",
        "sshkeys": "ssh-ed25519%20AAAA", "cipassword": "**********", "smbios1": "uuid=0d8f", "acpi": 1,
        "digest": "0123456789abcdef0123456789abcdef01234567"
    }})
}

fn task_status(status: &str, exit: Option<&str>) -> serde_json::Value {
    let mut data = json!({"upid": UPID, "node": "pve1", "pid": 107187, "pstart": 12648430, "starttime": 1716560306,
        "type": "qmclone", "id": "9000", "user": "root@pam", "tokenid": "nimbus", "status": status});
    if let Some(exit) = exit {
        data["exitstatus"] = json!(exit);
    }
    json!({ "data": data })
}

#[test]
fn pve_shaped_replies_pass() {
    assert_clean(check_response(&get(
        "/version",
        json!({"data": {"version": "8.4.1", "release": "8.4", "repoid": "2a5fa54a"}}),
    )));
    assert_clean(check_response(&get(
        "/nodes",
        json!({"data": [
            {"node": "pve1", "status": "online", "id": "node/pve1", "type": "node", "cpu": 0.006, "maxcpu": 16,
             "mem": 2666278912u64, "maxmem": 16718958592u64, "disk": 11240390656u64, "maxdisk": 23215472640u64,
             "uptime": 20391, "level": "", "ssl_fingerprint": "5F:40"},
            {"node": "pve3", "status": "offline", "id": "node/pve3", "type": "node"}
        ]}),
    )));
    assert_clean(check_response(&get("/cluster/nextid", json!({"data": "105"}))));
    assert_clean(check_response(&get("/nodes/pve1/qemu/123/config", config_body())));
    assert_clean(check_response(&get(
        "/nodes/pve1/qemu",
        json!({"data": [{"vmid": 9000, "name": "ubuntu", "status": "stopped", "template": 1, "cpus": 2,
                         "maxmem": 4328521728u64, "maxdisk": 34359738368u64, "disk": 0, "serial": 1}]}),
    )));
    assert_clean(check_response(&get(
        "/nodes/pve1/qemu/123/status/current",
        json!({"data": {"vmid": 123, "status": "running", "qmpstatus": "running", "agent": 1, "ha": {"managed": 0},
                        "cpus": 2, "pid": 4242, "uptime": 12}}),
    )));
    assert_clean(check_response(
        &Exchange::new("POST", "/nodes/pve1/qemu/9000/clone").reply(200, json!({"data": UPID})),
    ));
    assert_clean(check_response(&get(
        &format!("/nodes/pve1/tasks/{UPID_PATH}/status"),
        task_status("running", None),
    )));
    assert_clean(check_response(&get(
        &format!("/nodes/pve1/tasks/{UPID_PATH}/status"),
        task_status("stopped", Some("OK")),
    )));
    assert_clean(check_response(&get(
        &format!("/nodes/pve1/tasks/{UPID_PATH}/log"),
        json!({"data": [{"n": 1, "t": "create full clone of drive scsi0"}, {"n": 2, "t": "TASK OK"}], "total": 2}),
    )));
    assert_clean(check_response(&get(
        "/nodes/pve1/qemu/123/agent/network-get-interfaces",
        json!({"data": {"result": [{"name": "lo", "hardware-address": "00:00:00:00:00:00",
            "ip-addresses": [{"ip-address": "127.0.0.1", "ip-address-type": "ipv4", "prefix": 8}],
            "statistics": {"rx-bytes": 1, "rx-packets": 1, "rx-errs": 0, "rx-dropped": 0,
                           "tx-bytes": 1, "tx-packets": 1, "tx-errs": 0, "tx-dropped": 0}}]}}),
    )));
    assert_clean(check_response(&get(
        "/nodes/pve1/qemu/123/agent/exec-status?pid=7",
        json!({"data": {"exited": 1, "exitcode": 0, "out-data": "hi\n"}}),
    )));
    assert_clean(check_response(&get(
        "/nodes/pve1/storage",
        json!({"data": [{"storage": "local", "type": "dir", "content": "iso,import", "enabled": 1, "active": 1,
                         "shared": 0, "total": 23215472640u64, "used": 11240329216u64, "avail": 11975143424u64,
                         "used_fraction": 0.48}]}),
    )));
    assert_clean(check_response(&get(
        "/nodes/pve1/storage/local/content",
        json!({"data": [{"volid": "local:iso/noble.img", "format": "raw", "size": 600000000, "ctime": 1716560306,
                         "content": "iso"}]}),
    )));
    assert_clean(check_response(&Exchange::new("PUT", "/nodes/pve1/qemu/123/config")));
    assert_clean(check_response(&Exchange::new("POST", "/nodes/pve1/qemu/123/config")));
}

#[test]
fn a_nextid_answered_as_a_number_is_reported() {
    let v = check_response(&get("/cluster/nextid", json!({"data": 105})));
    assert_flags(v, &["data is a number 105, expected a string"]);
    assert_flags(
        check_response(&get("/cluster/nextid", json!({"data": "10x"}))),
        &["string of digits"],
    );
}

#[test]
fn config_integers_are_numbers_and_memory_is_a_string() {
    let mut body = config_body();
    body["data"]["cores"] = json!("2");
    assert_flags(
        check_response(&get("/nodes/pve1/qemu/123/config", body)),
        &["data.cores", "integer sent as a string"],
    );
    let mut body = config_body();
    body["data"]["memory"] = json!(2048);
    assert_flags(
        check_response(&get("/nodes/pve1/qemu/123/config", body)),
        &["data.memory", "expected a string"],
    );
    let mut body = config_body();
    body["data"]["net0"] = json!({"model": "virtio"});
    assert_flags(
        check_response(&get("/nodes/pve1/qemu/123/config", body)),
        &["data.net0", "expected a string"],
    );
}

#[test]
fn json_true_and_false_are_reported_anywhere() {
    let mut body = config_body();
    body["data"]["template"] = json!(true);
    assert_flags(
        check_response(&get("/nodes/pve1/qemu/123/config", body)),
        &["body.data.template is JSON true"],
    );
    let mut body = config_body();
    body["data"]["onboot"] = json!(2);
    assert_flags(
        check_response(&get("/nodes/pve1/qemu/123/config", body)),
        &["data.onboot", "expected 0 or 1"],
    );
    let status = get(
        "/nodes/pve1/qemu/123/agent/exec-status?pid=7",
        json!({"data": {"exited": false}}),
    );
    assert_flags(check_response(&status), &["body.data.exited is JSON false"]);
    let deep = get(
        "/nodes/pve1/qemu/123/status/current",
        json!({"data": {"vmid": 123, "status": "running", "ha": {"managed": false}}}),
    );
    assert_flags(check_response(&deep), &["body.data.ha.managed is JSON false"]);
}

#[test]
fn required_properties_must_be_present() {
    let mut body = task_status("stopped", Some("OK"));
    body["data"].as_object_mut().unwrap().remove("upid");
    let path = format!("/nodes/pve1/tasks/{UPID_PATH}/status");
    assert_flags(
        check_response(&get(&path, body)),
        &["data lacks required property 'upid'"],
    );
    let mut body = config_body();
    body["data"].as_object_mut().unwrap().remove("digest");
    assert_flags(
        check_response(&get("/nodes/pve1/qemu/123/config", body)),
        &["lacks required property 'digest'"],
    );
    let current = get(
        "/nodes/pve1/qemu/123/status/current",
        json!({"data": {"vmid": 123, "status": "stopped"}}),
    );
    assert_flags(check_response(&current), &["lacks required property 'ha'"]);
    let nodes = get("/nodes", json!({"data": [{"status": "online"}]}));
    assert_flags(check_response(&nodes), &["data[0] lacks required property 'node'"]);
}

#[test]
fn task_status_must_be_coherent() {
    let path = format!("/nodes/pve1/tasks/{UPID_PATH}/status");
    assert_flags(
        check_response(&get(&path, task_status("running", Some("OK")))),
        &["exitstatus present while the task is running"],
    );
    assert_flags(
        check_response(&get(&path, task_status("stopped", None))),
        &["exitstatus missing"],
    );
    assert_flags(
        check_response(&get(&path, task_status("done", Some("OK")))),
        &["data.status", "not one of"],
    );
    let other = "/nodes/pve1/tasks/UPID%3Apve1%3A0001A2B3%3A00C0FFEE%3A6650A1B2%3Aqmstart%3A100%3Aroot%40pam%3A/status";
    assert_flags(
        check_response(&get(other, task_status("stopped", Some("OK")))),
        &["is not the UPID asked for"],
    );
    let mut body = task_status("stopped", Some("OK"));
    body["data"]["pid"] = json!("107187");
    assert_flags(
        check_response(&get(&path, body)),
        &["data.pid", "integer sent as a string"],
    );
}

#[test]
fn the_task_log_carries_a_total() {
    let path = format!("/nodes/pve1/tasks/{UPID_PATH}/log");
    let body = json!({"data": [{"n": 1, "t": "TASK OK"}]});
    assert_flags(check_response(&get(&path, body)), &["lacks 'total' next to 'data'"]);
    let body = json!({"data": [{"n": "1", "t": "TASK OK"}], "total": 1});
    assert_flags(check_response(&get(&path, body)), &["data[0].n"]);
}

#[test]
fn async_endpoints_answer_well_formed_upids_of_their_type() {
    let clone = |data: serde_json::Value| {
        Exchange::new("POST", "/nodes/pve1/qemu/9000/clone").reply(200, json!({ "data": data }))
    };
    assert_flags(check_response(&clone(json!("UPID:node1:001:stop:42"))), &["9 fields"]);
    assert_flags(
        check_response(&clone(json!(
            "UPID:pve1:0001A2B3:00C0FFEE:6650A1B2:qmstart:9000:root@pam:"
        ))),
        &["UPID type 'qmstart' is not one of [\"qmclone\"]"],
    );
    assert_flags(
        check_response(&clone(json!(
            "UPID:pve2:0001A2B3:00C0FFEE:6650A1B2:qmclone:9000:root@pam:"
        ))),
        &["UPID node 'pve2' is not the path's node 'pve1'"],
    );
    assert_flags(check_response(&clone(json!(null))), &["data is null, expected String"]);
    let put = Exchange::new("PUT", "/nodes/pve1/qemu/123/config").reply(200, json!({ "data": UPID }));
    assert_flags(check_response(&put), &["data is a string", "expected null"]);
    let resize = Exchange::new("PUT", "/nodes/pve1/qemu/123/resize").reply(200, json!({"data": null}));
    assert_flags(check_response(&resize), &["data is null"]);
}

#[test]
fn agent_results_are_wrapped() {
    let bare = get(
        "/nodes/pve1/qemu/123/agent/network-get-interfaces",
        json!({"data": [{"name": "lo"}]}),
    );
    assert_flags(check_response(&bare), &["data is an array", "expected an object"]);
    let missing = get("/nodes/pve1/qemu/123/agent/network-get-interfaces", json!({"data": {}}));
    assert_flags(check_response(&missing), &["lacks required property 'result'"]);
    let exec = Exchange::new("POST", "/nodes/pve1/qemu/123/agent/exec").reply(200, json!({"data": {"pid": "12"}}));
    assert_flags(check_response(&exec), &["data.pid"]);
}

#[test]
fn the_success_envelope_is_required() {
    assert_flags(
        check_response(&get("/version", json!({"version": "8.4.1"}))),
        &["no 'data' member"],
    );
    assert_flags(
        check_response(&get("/version", serde_json::Value::Null)),
        &["not a JSON object"],
    );
    assert_flags(
        check_response(&get("/nodes", json!({"data": {}}))),
        &["data is an object", "expected an array"],
    );
}

#[test]
fn error_bodies_follow_the_pve_envelope() {
    let post =
        |status: u16, body: serde_json::Value| Exchange::new("POST", "/nodes/pve1/qemu/9000/clone").reply(status, body);
    assert_clean(check_response(&post(
        400,
        json!({"data": null, "message": "Parameter verification failed.\n",
               "errors": {"newid": "property is missing and it is not optional"}}),
    )));
    assert_clean(check_response(&post(
        500,
        json!({"data": null, "message": "VM is locked (clone)\n"}),
    )));
    assert_clean(check_response(&post(401, serde_json::Value::Null)));
    assert_clean(check_response(&post(595, serde_json::Value::Null)));
    assert_clean(check_response(&post(
        501,
        json!("Method 'POST /nodes/pve1/qemu/9000/clone' not implemented"),
    )));
    assert_flags(
        check_response(&post(
            400,
            json!({"data": null, "message": "Parameter verification failed.\n"}),
        )),
        &["400 body has no 'errors' object"],
    );
    assert_flags(
        check_response(&post(
            400,
            json!({"data": null, "message": "bad\n", "errors": {"newid": 1}}),
        )),
        &["errors.newid is a number"],
    );
    assert_flags(
        check_response(&post(500, json!({"data": null, "message": "VM 100 does not exist"}))),
        &["does not end in a newline"],
    );
    assert_flags(
        check_response(&post(500, json!({"message": "boom\n"}))),
        &["no 'data': null"],
    );
    assert_flags(
        check_response(&post(404, json!({"data": {}, "message": "not found\n"}))),
        &["'data' is an object {} instead of null"],
    );
    assert_flags(check_response(&post(500, json!({"data": null}))), &["no 'message'"]);
    assert_flags(
        check_response(&post(500, json!("oops"))),
        &["error body is not a JSON object"],
    );
}

#[test]
fn replies_to_unknown_endpoints_are_reported() {
    assert_flags(
        check_response(&get("/cluster/options", json!({"data": {}}))),
        &["unknown endpoint"],
    );
}
