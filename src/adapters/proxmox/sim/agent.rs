//! The simulated guest: its QEMU guest agent and its presence on the simulated LAN. A guest knows
//! only the cloud-init values it booted with, so the address it reports is the `ipconfig0` that
//! was configured before the last start.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::faults::Fault;
use super::model::Model;
use super::vm::Vm;
use crate::domain::cluster::NodeName;
use crate::domain::vmid::VmId;
use crate::ports::proxmox::{AgentInterface, ExecStatus, ProxmoxError, ProxmoxResult};

/// The static IPv4 of an `ipconfig0` value (`ip=10.0.0.5/24,gw=…`), with its prefix.
pub(super) fn static_ipv4(ipconfig: &str) -> Option<(Ipv4Addr, u8)> {
    let ip = ipconfig.split(',').find_map(|p| p.trim().strip_prefix("ip="))?;
    let (addr, prefix) = ip.split_once('/').unwrap_or((ip, "32"));
    Some((addr.trim().parse().ok()?, prefix.parse().ok()?))
}

impl Model {
    fn silent(&self, vmid: VmId) -> bool {
        self.has(|f| matches!(f, Fault::SilentVm { vmid: v } if *v == vmid))
    }

    /// Whether the guest has booted far enough to answer (agent and network).
    fn guest_up(&self, vm: &Vm) -> bool {
        vm.running() && vm.agent_at.is_some_and(|at| at <= self.now) && !self.silent(vm.vmid)
    }

    /// Proxmox's checks before any agent command, with its wording.
    fn agent_ready(&mut self, node: &NodeName, vmid: VmId) -> ProxmoxResult<Vm> {
        self.reach(node)?;
        let vm = self.vm_on(node, vmid)?.clone();
        let configured = vm
            .config
            .get("agent")
            .is_some_and(|a| a.starts_with('1') || a.contains("enabled=1"));
        if !configured {
            return Err(ProxmoxError::AgentUnavailable("No QEMU guest agent configured".into()));
        }
        if !vm.running() {
            return Err(ProxmoxError::AgentUnavailable(format!("VM {vmid} is not running")));
        }
        if self
            .fire(|f| matches!(f, Fault::AgentHang { vmid: v } if *v == vmid).then_some(()))
            .is_some()
        {
            return Err(ProxmoxError::AgentUnavailable(format!(
                "VM {vmid} qmp command 'guest-ping' failed - got timeout"
            )));
        }
        // A guest image without the agent boots and answers on the network, but nothing
        // answers the agent socket.
        if !self.guest_up(&vm) || !vm.has_agent(self.now) {
            return Err(ProxmoxError::AgentUnavailable("QEMU guest agent is not running".into()));
        }
        let never = self
            .fire(|f| matches!(f, Fault::AgentNever { vmid: v } if v.is_none_or(|v| v == vmid)).then_some(()))
            .is_some();
        if never {
            return Err(ProxmoxError::AgentUnavailable("QEMU guest agent is not running".into()));
        }
        Ok(vm)
    }

    pub fn agent_interfaces(&mut self, node: &NodeName, vmid: VmId) -> ProxmoxResult<Vec<AgentInterface>> {
        let vm = self.agent_ready(node, vmid)?;
        let mac = vm
            .config
            .get("net0")
            .and_then(|n| {
                n.split(',')
                    .find_map(|p| p.split_once('=').map(|(_, m)| m.to_lowercase()))
            })
            .unwrap_or_else(|| "bc:24:11:00:00:01".into());
        let mut addresses: Vec<(IpAddr, u8)> = Vec::new();
        if let Some((ip, prefix)) = vm
            .booted
            .as_ref()
            .and_then(|c| c.get("ipconfig0"))
            .and_then(|c| static_ipv4(c))
        {
            addresses.push((IpAddr::V4(ip), prefix));
        }
        addresses.push((
            IpAddr::V6(Ipv6Addr::new(
                0xfe80,
                0,
                0,
                0,
                0xbe24,
                0x11ff,
                0xfe00,
                vmid.get() as u16,
            )),
            64,
        ));
        Ok(vec![
            AgentInterface {
                name: "lo".into(),
                mac: Some("00:00:00:00:00:00".into()),
                addresses: vec![
                    (IpAddr::V4(Ipv4Addr::LOCALHOST), 8),
                    (IpAddr::V6(Ipv6Addr::LOCALHOST), 128),
                ],
            },
            AgentInterface {
                name: "ens18".into(),
                mac: Some(mac),
                addresses,
            },
        ])
    }

    /// Starts `command` in the guest; a Gopher bootstrap comes back to be run over the guest
    /// network (see [`Model::guest_exec`]).
    pub(super) fn agent_exec(
        &mut self,
        node: &NodeName,
        vmid: VmId,
        command: &[String],
    ) -> ProxmoxResult<(u32, Option<super::guest::GuestRun>)> {
        self.agent_ready(node, vmid)?;
        if command.is_empty() {
            return Err(ProxmoxError::Refused("command or input-data (or both) required".into()));
        }
        Ok(self.guest_exec(vmid, command))
    }

    pub fn agent_exec_status(&mut self, node: &NodeName, vmid: VmId, pid: u32) -> ProxmoxResult<ExecStatus> {
        let vm = self.agent_ready(node, vmid)?;
        let record = vm
            .execs
            .get(&pid)
            .ok_or_else(|| ProxmoxError::NotFound(format!("Agent error: PID {pid} does not exist")))?;
        if !record.exited {
            return Ok(ExecStatus {
                exited: false,
                exit_code: None,
                out: None,
                err: None,
            });
        }
        Ok(ExecStatus {
            exited: true,
            exit_code: Some(record.exit_code),
            out: Some(record.out.clone()),
            err: (!record.err.is_empty()).then(|| record.err.clone()),
        })
    }

    pub fn agent_file_write(&mut self, node: &NodeName, vmid: VmId, path: &str, content: &str) -> ProxmoxResult<()> {
        self.agent_ready(node, vmid)?;
        let vm = self.vms.get_mut(&vmid).expect("checked above");
        vm.files.insert(path.to_owned(), content.to_owned());
        self.event(format!("agent file-write on {vmid}: {path}"));
        Ok(())
    }

    /// Whether `ip` answers on `port` on the simulated LAN: a booted guest whose configured
    /// address it is (port 22), or a foreign host a scenario declared.
    pub fn lan_answers(&self, ip: IpAddr, port: u16) -> bool {
        if self.lan_hosts.get(&ip).is_some_and(|ports| ports.contains(&port)) {
            return true;
        }
        port == 22
            && self.vms.values().any(|vm| {
                self.guest_up(vm)
                    && self.node_online(&vm.node)
                    && vm
                        .booted
                        .as_ref()
                        .and_then(|c| c.get("ipconfig0"))
                        .and_then(|c| static_ipv4(c))
                        .is_some_and(|(a, _)| IpAddr::V4(a) == ip)
            })
    }
}
