//! `multipart/form-data` bodies as pveproxy reads an upload: text parts become parameters, the
//! part carrying a file name becomes the uploaded file and its file name the `filename`
//! parameter (pveproxy writes the file to `/var/tmp/pveupload-…` and passes `tmpfilename`).

use super::wire::Params;

/// The largest upload accepted (pveproxy streams uploads to disk; the simulator keeps them).
pub const MAX_UPLOAD: usize = 64 * 1024 * 1024;

/// A file part: its form field, the client's file name and the bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilePart {
    pub field: String,
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// The boundary of a `multipart/form-data; boundary=…` content type, if it is one.
pub fn boundary(content_type: &str) -> Option<String> {
    let (kind, rest) = content_type.split_once(';')?;
    if !kind.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    rest.split(';').find_map(|p| {
        let (k, v) = p.trim().split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| v.trim().trim_matches('"').to_owned())
    })
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || haystack.len() < needle.len() {
        return None;
    }
    (from..=haystack.len() - needle.len()).find(|&i| &haystack[i..i + needle.len()] == needle)
}

/// A `name="…"` or `filename="…"` attribute of a `Content-Disposition` header.
fn attribute(disposition: &str, key: &str) -> Option<String> {
    disposition.split(';').find_map(|p| {
        let (k, v) = p.trim().split_once('=')?;
        (k.trim() == key).then(|| v.trim().trim_matches('"').to_owned())
    })
}

/// Splits `body` into its text parameters and at most one file; an error says what is wrong.
pub fn parse(body: &[u8], boundary: &str) -> Result<(Params, Option<FilePart>), String> {
    let delimiter = format!("--{boundary}").into_bytes();
    let mut at = find(body, &delimiter, 0).ok_or("multipart body without its boundary")?;
    let mut params = Vec::new();
    let mut file = None;
    loop {
        at += delimiter.len();
        if body[at..].starts_with(b"--") {
            break;
        }
        at += if body[at..].starts_with(b"\r\n") { 2 } else { 0 };
        let head_end = find(body, b"\r\n\r\n", at).ok_or("multipart part without a blank line after its headers")?;
        let head = String::from_utf8_lossy(&body[at..head_end]).into_owned();
        let content_start = head_end + 4;
        let mut closing = b"\r\n".to_vec();
        closing.extend_from_slice(&delimiter);
        let content_end = find(body, &closing, content_start).ok_or("multipart part without a closing boundary")?;
        let content = &body[content_start..content_end];
        let disposition = head
            .lines()
            .find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.trim()
                    .eq_ignore_ascii_case("content-disposition")
                    .then(|| v.to_owned())
            })
            .ok_or("multipart part without Content-Disposition")?;
        let name = attribute(&disposition, "name").ok_or("multipart part without a name")?;
        match attribute(&disposition, "filename") {
            Some(file_name) => {
                file = Some(FilePart {
                    field: name,
                    file_name,
                    bytes: content.to_vec(),
                });
            }
            None => params.push((name, String::from_utf8_lossy(content).into_owned())),
        }
        at = content_end + 2;
    }
    Ok((Params(params), file))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_parts_become_parameters_and_the_file_part_keeps_its_bytes() {
        let content_type = "multipart/form-data; boundary=\"XyZ\"";
        let b = boundary(content_type).unwrap();
        assert_eq!(b, "XyZ");
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"content\"\r\n\r\niso\r\n\
--XyZ\r\nContent-Disposition: form-data; name=\"filename\"; filename=\"seed.iso\"\r\n\
Content-Type: application/octet-stream\r\n\r\nCD001\r\n\x00\xff\r\n--XyZ--\r\n";
        let (params, file) = parse(body, &b).unwrap();
        assert_eq!(params.get("content"), Some("iso"));
        let file = file.unwrap();
        assert_eq!((file.field.as_str(), file.file_name.as_str()), ("filename", "seed.iso"));
        assert_eq!(file.bytes, b"CD001\r\n\x00\xff");
    }

    #[test]
    fn other_content_types_and_broken_bodies_are_told_apart() {
        assert_eq!(boundary("application/x-www-form-urlencoded"), None);
        assert!(parse(b"no boundary here", "XyZ").is_err());
        assert!(
            parse(
                b"--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nunterminated",
                "XyZ"
            )
            .is_err()
        );
    }
}
