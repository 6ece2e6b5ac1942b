//! An ISO upload on the wire: a multipart body with `content` first and the file last, its
//! length stated (Proxmox refuses chunked bodies), the bytes unchanged.

use serde_json::json;

use super::server::{Answer, TestServer};
use crate::domain::cluster::NodeName;
use crate::ports::proxmox::Proxmox;

const UPID: &str = "UPID:pve1:0000001F:100000000:65000000:imgcopy::nimbus@pve!api:";

fn pve(name: &str) -> NodeName {
    NodeName::parse(name).expect("node")
}

#[tokio::test]
async fn an_upload_sends_content_then_the_file_in_a_multipart_body_with_a_length() {
    let server = TestServer::start(|_| Answer::data(json!(UPID))).await;
    let iso = b"CD001\r\n\x00\xffseed".to_vec();
    let upid = server
        .client()
        .upload_iso(&pve("pve1"), "local", "nimbus-seed.iso", iso.clone())
        .await
        .expect("upload");
    assert_eq!(upid.as_str(), UPID);
    let r = &server.requests()[0];
    assert_eq!(
        (r.method.as_str(), r.target.as_str()),
        ("POST", "/api2/json/nodes/pve1/storage/local/upload")
    );
    let content_type = r.header("content-type").expect("content type");
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap_or_else(|| panic!("multipart: {content_type}"));
    assert_eq!(r.header("content-length"), Some(r.body_bytes.len().to_string()));
    assert_eq!(r.header("transfer-encoding"), None);
    let body = String::from_utf8_lossy(&r.body_bytes);
    let content_at = body.find("name=\"content\"\r\n\r\niso\r\n").expect("content part");
    let file_at = body
        .find("name=\"filename\"; filename=\"nimbus-seed.iso\"")
        .expect("file part");
    assert!(content_at < file_at, "content comes before the file: {body}");
    // The body ends `<file bytes>\r\n--BOUNDARY--\r\n`.
    let end = format!("\r\n--{boundary}--");
    let tail = r.body_bytes.len() - end.len() - 2;
    assert_eq!(
        &r.body_bytes[tail - iso.len()..tail],
        iso.as_slice(),
        "the bytes go out unchanged"
    );
}
