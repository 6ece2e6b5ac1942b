#!/usr/bin/env python3
"""Smoke test of a PVE-compatible REST face with an independent client, proxmoxer.

Run by scripts/proxmoxer-smoke.sh against `nimbus sim-proxmox --nodes 3`. Talks HTTPS on loopback
with an API token, prints one line per check, and exits non-zero at the first failure.
"""

import argparse
import sys

import urllib3
from proxmoxer import ProxmoxAPI
from proxmoxer.core import ResourceException
from proxmoxer.tools import Tasks

urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)

TEMPLATE = 9000
SOURCE_NODE = "pve1"
CLONE_NAME = "smoke-1"
MISSING_VMID = 987654


class CheckFailed(Exception):
    pass


def expect(condition, message):
    if not condition:
        raise CheckFailed(message)


def ok(name, detail):
    print(f"ok    {name}: {detail}", flush=True)


def check_version(api, state):
    version = api.version.get()
    expect(isinstance(version, dict), f"/version data is {version!r}, not an object")
    for key in ("version", "release", "repoid"):
        expect(isinstance(version.get(key), str), f"/version {key} is {version.get(key)!r}, not a string")
    ok("version", f"{version['version']} (release {version['release']}, repoid {version['repoid']})")


def check_nodes(api, state):
    nodes = api.nodes.get()
    expect(isinstance(nodes, list), f"/nodes data is {nodes!r}, not a list")
    names = sorted(n.get("node") for n in nodes)
    expect(names == ["pve1", "pve2", "pve3"], f"/nodes names are {names}, expected pve1..pve3")
    offline = [n["node"] for n in nodes if n.get("status") != "online"]
    expect(not offline, f"nodes not online: {offline}")
    ok("nodes", f"{len(nodes)} online: {', '.join(names)}")


def check_nextid(api, state):
    nextid = api.cluster.nextid.get()
    expect(isinstance(nextid, str) and nextid.isdigit(), f"/cluster/nextid is {nextid!r}, not a string of digits")
    state["newid"] = int(nextid)
    ok("cluster/nextid", f"{nextid!r}")


def check_clone(api, state):
    newid = state["newid"]
    upid = api.nodes(SOURCE_NODE).qemu(TEMPLATE).clone.post(newid=newid, name=CLONE_NAME, full=0)
    expect(isinstance(upid, str), f"clone answered {upid!r}, not a UPID string")
    try:
        decoded = Tasks.decode_upid(upid)
    except AssertionError as err:
        raise CheckFailed(f"decode_upid({upid!r}) failed: {err}") from err
    expect(decoded["node"] == SOURCE_NODE, f"UPID node is {decoded['node']!r}, expected {SOURCE_NODE!r}")
    expect(decoded["type"] == "qmclone", f"UPID type is {decoded['type']!r}, expected 'qmclone'")
    expect(decoded["id"] == str(TEMPLATE), f"UPID id is {decoded['id']!r}, expected the source vmid {TEMPLATE}")
    expect(decoded["user"] == "root@pam", f"UPID user is {decoded['user']!r}, expected 'root@pam'")
    state["upid"] = upid
    ok("clone", f"{TEMPLATE} -> {newid} on {SOURCE_NODE}: {upid}")


def check_task_status(api, state):
    status = Tasks.blocking_status(api, state["upid"], timeout=30, polling_interval=0.2)
    expect(status is not None, "the clone task did not stop within 30 s")
    expect(status.get("status") == "stopped", f"task status is {status.get('status')!r}")
    expect(status.get("exitstatus") == "OK", f"task exitstatus is {status.get('exitstatus')!r}, expected 'OK'")
    ok("task status", f"stopped, exitstatus {status['exitstatus']!r}")


def check_task_log(api, state):
    lines = api.nodes(SOURCE_NODE).tasks(state["upid"]).log.get(start=0, limit=0)
    expect(isinstance(lines, list) and lines, f"task log is {lines!r}, expected a non-empty list")
    for line in lines:
        expect(isinstance(line.get("n"), int) and isinstance(line.get("t"), str), f"task log line {line!r}")
    expect(lines[-1]["t"] == "TASK OK", f"last task log line is {lines[-1]['t']!r}, expected 'TASK OK'")
    ok("task log", f"{len(lines)} lines, last {lines[-1]['t']!r}")


def check_config(api, state):
    config = api.nodes(SOURCE_NODE).qemu(state["newid"]).config.get()
    expect(isinstance(config, dict), f"config is {config!r}, not an object")
    expect(config.get("name") == CLONE_NAME, f"config name is {config.get('name')!r}, expected {CLONE_NAME!r}")
    expect(isinstance(config.get("digest"), str), f"config digest is {config.get('digest')!r}")
    ok("config", f"vm {state['newid']} is named {config['name']!r}")


def expect_resource_exception(call, status):
    try:
        answer = call()
    except ResourceException as err:
        expect(err.status_code == status, f"got HTTP {err.status_code} ({err}), expected {status}")
        return err
    raise CheckFailed(f"expected HTTP {status} as ResourceException, got an answer: {answer!r}")


def check_missing_param_error(api, state):
    err = expect_resource_exception(
        lambda: api.nodes(SOURCE_NODE).qemu(TEMPLATE).clone.post(name="smoke-no-newid"), 400
    )
    expect(isinstance(err.errors, dict) and "newid" in err.errors, f"400 errors are {err.errors!r}, expected newid")
    ok("error 400", f"clone without newid: errors {err.errors}")


def check_missing_vm_error(api, state):
    err = expect_resource_exception(lambda: api.nodes(SOURCE_NODE).qemu(MISSING_VMID).config.get(), 500)
    expect("does not exist" in str(err), f"500 text {str(err)!r} does not say 'does not exist'")
    ok("error 500", f"config of vm {MISSING_VMID}: {err.content}")


CHECKS = [
    ("version", check_version),
    ("nodes", check_nodes),
    ("cluster/nextid", check_nextid),
    ("clone", check_clone),
    ("task status", check_task_status),
    ("task log", check_task_log),
    ("config", check_config),
    ("error 400", check_missing_param_error),
    ("error 500", check_missing_vm_error),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--user", default="root@pam")
    parser.add_argument("--token-name", default="nimbus")
    parser.add_argument("--token-value", required=True)
    args = parser.parse_args()

    api = ProxmoxAPI(
        args.host,
        port=args.port,
        user=args.user,
        token_name=args.token_name,
        token_value=args.token_value,
        verify_ssl=False,
        backend="https",
        timeout=30,
    )
    state = {}
    for name, check in CHECKS:
        try:
            check(api, state)
        except CheckFailed as err:
            print(f"FAIL  {name}: {err}", file=sys.stderr, flush=True)
            return 1
        except Exception as err:  # any client or transport error fails the check that hit it
            print(f"FAIL  {name}: {type(err).__name__}: {err}", file=sys.stderr, flush=True)
            return 1
    print(f"proxmoxer smoke test: all {len(CHECKS)} checks passed against https://{args.host}:{args.port}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
