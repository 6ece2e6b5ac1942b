//! Tests of the parameter checks.

use super::*;
use crate::adapters::proxmox::rest::wire::decode_form;

fn errors(query: &str, spec: &[Param], config: bool) -> Vec<(String, String)> {
    check(&decode_form(query), spec, config).err().unwrap_or_default()
}

#[test]
fn a_clone_needs_newid_and_takes_booleans_only_as_zero_or_one() {
    assert!(errors("newid=123&full=1&name=web-1", spec::CLONE, false).is_empty());
    assert_eq!(
        errors("name=x", spec::CLONE, false),
        vec![("newid".into(), "property is missing and it is not optional".into())]
    );
    assert_eq!(
        errors("newid=123&full=true", spec::CLONE, false),
        vec![("full".into(), "type check ('boolean') failed - got 'true'".into())]
    );
    assert_eq!(
        errors("newid=12", spec::CLONE, false),
        vec![(
            "newid".into(),
            "invalid format - value does not look like a valid VM ID".into()
        )]
    );
    assert_eq!(
        errors("newid=123&name=a_b", spec::CLONE, false)[0].1,
        "invalid format - value does not look like a valid DNS name"
    );
}

#[test]
fn unknown_parameters_are_refused_unless_they_are_config_keys() {
    assert_eq!(
        errors("newid=123&colour=blue", spec::CLONE, false)[0].1,
        "property is not defined in schema and the schema does not allow additional properties"
    );
    assert!(errors("cores=2&net0=virtio&delete=ide2", spec::CONFIG_PUT, true).is_empty());
    assert!(!errors("Cores=2", spec::CONFIG_PUT, true).is_empty());
}

#[test]
fn enums_ranges_and_patterns_use_pve_wording() {
    assert_eq!(
        errors("type=disk", spec::RESOURCES, false)[0].1,
        "value 'disk' does not have a value in the enumeration 'vm, storage, node, sdn'"
    );
    assert_eq!(
        errors("background_delay=31", spec::CONFIG_POST, true)[0].1,
        "value must have a maximum value of 30"
    );
    assert_eq!(
        errors("pid=abc", spec::AGENT_EXEC_STATUS, false)[0].1,
        "type check ('integer') failed - got 'abc'"
    );
    for ok in ["10G", "+1G", "1073741824", "+2.5G"] {
        assert!(check_value(Kind::DiskSize, ok).is_ok(), "{ok}");
    }
    for bad in ["ten", "-1G", "1GB", "+"] {
        assert!(check_value(Kind::DiskSize, bad).is_err(), "{bad}");
    }
    assert_eq!(
        errors("url=ftp://x&content=import&filename=a.qcow2", spec::DOWNLOAD_URL, false)[0].0,
        "url"
    );
}

#[test]
fn a_repeated_key_is_an_array_and_only_array_parameters_take_one() {
    assert!(errors("command=ls&command=-l", spec::AGENT_EXEC, false).is_empty());
    assert_eq!(
        errors("pid=1&pid=2", spec::AGENT_EXEC_STATUS, false)[0].1,
        "type check ('string') failed - got ARRAY"
    );
}
