//! The `/nodes/{node}/storage/{storage}/…` routes: status, content listing, deleting a volume,
//! `download-url` (with `checksum` + `checksum-algorithm`) and the multipart `upload`.

use serde_json::Value;

use super::multipart::FilePart;
use super::params::spec;
use super::routes::{Context, Refusal, Routed, checked, invalid, upid_text};
use super::shapes::{storage_item, storage_row};
use super::wire::{Answer, Params};
use crate::domain::cluster::NodeName;
use crate::ports::proxmox::{Checksum, ChecksumAlgorithm, DownloadRequest, Proxmox, ProxmoxError};

/// `checksum` and `checksum-algorithm`: both or neither (each `requires` the other).
fn checksum(params: &Params) -> Result<Option<Checksum>, Refusal> {
    match (params.get("checksum"), params.get("checksum-algorithm")) {
        (None, None) => Ok(None),
        (Some(_), None) => Err(invalid(
            "checksum-algorithm",
            "property is missing and it is required by 'checksum'",
        )),
        (None, Some(_)) => Err(invalid(
            "checksum",
            "property is missing and it is required by 'checksum-algorithm'",
        )),
        (Some(value), Some(algorithm)) => {
            let algorithm = ChecksumAlgorithm::parse(algorithm).ok_or_else(|| {
                invalid(
                    "checksum-algorithm",
                    "value does not have a value in the enumeration 'md5, sha1, sha224, sha256, sha384, sha512'",
                )
            })?;
            Ok(Some(Checksum {
                algorithm,
                value: value.to_owned(),
            }))
        }
    }
}

pub(super) async fn route(
    ctx: &Context,
    method: &str,
    node: &NodeName,
    storage: &str,
    rest: &[&str],
    params: &Params,
    file: Option<FilePart>,
) -> Routed {
    let px = &ctx.proxmox;
    match (method, rest) {
        ("GET", ["status"]) => {
            checked(params, spec::NONE, false)?;
            let status = px.storage_status(node, storage).await.map_err(|e| match e {
                ProxmoxError::NotFound(_) => invalid("storage", "No such storage."),
                other => Refusal::from(other),
            })?;
            Ok(Answer::data(storage_row(&status)))
        }
        ("GET", ["content"]) => {
            checked(params, spec::STORAGE_CONTENT, false)?;
            let mut items = px
                .storage_content(node, storage, params.get("content").map(str::to_owned))
                .await?;
            if let Some(vmid) = params.get("vmid") {
                items.retain(|i| i.vmid.is_some_and(|v| v.get().to_string() == vmid));
            }
            Ok(Answer::data(Value::Array(items.iter().map(storage_item).collect())))
        }
        // A volid's `/` may arrive decoded (`local:iso/seed.iso`), spanning two segments.
        ("DELETE", ["content", volume @ ..]) if !volume.is_empty() => {
            checked(params, spec::VOLUME_DELETE, false)?;
            let volid = volume.join("/");
            Ok(Answer::data(upid_text(&px.delete_volume(node, storage, &volid).await?)))
        }
        ("POST", ["download-url"]) => {
            checked(params, spec::DOWNLOAD_URL, false)?;
            let request = DownloadRequest {
                url: params.get("url").unwrap_or_default().to_owned(),
                content: params.get("content").unwrap_or_default().to_owned(),
                filename: params.get("filename").unwrap_or_default().to_owned(),
                checksum: checksum(params)?,
            };
            let upid = px.download_url(node, storage, &request).await?;
            Ok(Answer::data(upid_text(&upid)))
        }
        ("POST", ["upload"]) => {
            checked(params, spec::UPLOAD, false)?;
            let Some(file) = file else {
                return Err(Refusal::from(ProxmoxError::Refused(
                    "missing temporary file name".into(),
                )));
            };
            if params.get("content") != Some("iso") {
                // Only ISO uploads are simulated; Proxmox also takes `vztmpl` and `import`.
                let content = params.get("content").unwrap_or_default();
                return Err(invalid(
                    "content",
                    &format!("upload content type '{content}' not allowed"),
                ));
            }
            let filename = params.get("filename").unwrap_or(&file.file_name).to_owned();
            let upid = px.upload_iso(node, storage, &filename, file.bytes).await?;
            Ok(Answer::data(upid_text(&upid)))
        }
        _ => Err(Refusal::NoRoute),
    }
}
