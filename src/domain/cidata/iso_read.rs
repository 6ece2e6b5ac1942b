//! Reads one file from the root directory of an ISO 9660 image: by its Joliet name when the image
//! has a Joliet volume, otherwise by its primary-volume name. Any bytes are accepted: a damaged or
//! hostile image gives `None`, never a panic or an allocation larger than the image.

use super::iso9660::{FIRST_DESCRIPTOR, JOLIET_ESCAPES, SECTOR, primary_identifier};

/// Volume descriptors looked at before giving up on finding a terminator.
const MAX_DESCRIPTORS: usize = 32;

/// The content of the root-directory file `name`: by its exact Joliet name when the image has a
/// Joliet volume (as a guest mounting it sees the files), otherwise by its primary name (compared
/// without case or version, and also as the writer would fold it).
pub fn read_iso_file(image: &[u8], name: &str) -> Option<Vec<u8>> {
    let mut primary = None;
    let mut joliet = None;
    for n in 0..MAX_DESCRIPTORS {
        let Some(d) = sector(image, FIRST_DESCRIPTOR + n) else {
            break;
        };
        if &d[1..6] != b"CD001" || d[0] == 255 {
            break;
        }
        match d[0] {
            1 if primary.is_none() => primary = Some(d),
            2 if joliet.is_none() && JOLIET_ESCAPES.iter().any(|e| &d[88..91] == *e) => {
                joliet = Some(d);
            }
            _ => {}
        }
    }
    match (joliet, primary) {
        (Some(d), _) => find(image, d, |id| joliet_matches(id, name)),
        (None, Some(d)) => find(image, d, |id| primary_matches(id, name)),
        (None, None) => None,
    }
}

fn sector(image: &[u8], n: usize) -> Option<&[u8]> {
    let start = n.checked_mul(SECTOR)?;
    image.get(start..start.checked_add(SECTOR)?)
}

fn le32(b: &[u8]) -> Option<usize> {
    let bytes: [u8; 4] = b.get(..4)?.try_into().ok()?;
    usize::try_from(u32::from_le_bytes(bytes)).ok()
}

/// The bytes of the extent a directory record points at, cut to what the image holds for
/// directories and exactly as recorded for files.
fn extent<'a>(image: &'a [u8], record: &[u8], exact: bool) -> Option<&'a [u8]> {
    let start = le32(record.get(2..6)?)?.checked_mul(SECTOR)?;
    let len = le32(record.get(10..14)?)?;
    let end = start.checked_add(len)?;
    if exact {
        image.get(start..end)
    } else {
        image.get(start..end.min(image.len()))
    }
}

/// Walks the root directory of the volume `descriptor` describes, returning the first file whose
/// identifier `matches`.
fn find(image: &[u8], descriptor: &[u8], matches: impl Fn(&[u8]) -> bool) -> Option<Vec<u8>> {
    let dir = extent(image, descriptor.get(156..190)?, false)?;
    let mut at = 0;
    while at < dir.len() {
        let len = usize::from(dir[at]);
        if len == 0 {
            // Records never cross a sector: the rest of this sector is padding.
            at = (at / SECTOR + 1) * SECTOR;
            continue;
        }
        let Some(record) = dir.get(at..at + len) else { break };
        at += len;
        let Some(&id_len) = record.get(32) else { continue };
        let Some(id) = record.get(33..33 + usize::from(id_len)) else {
            continue;
        };
        let is_dir = record[25] & 2 != 0;
        if !is_dir && matches(id) {
            return extent(image, record, true).map(<[u8]>::to_vec);
        }
    }
    None
}

/// Drops a `;<version>` suffix.
fn without_version(s: &str) -> &str {
    match s.rsplit_once(';') {
        Some((name, v)) if v.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => s,
    }
}

fn joliet_matches(id: &[u8], name: &str) -> bool {
    if !id.len().is_multiple_of(2) {
        return false;
    }
    let units = id.chunks_exact(2).map(|p| u16::from_be_bytes([p[0], p[1]]));
    let Ok(decoded) = char::decode_utf16(units).collect::<Result<String, _>>() else {
        return false;
    };
    without_version(&decoded) == name
}

fn primary_matches(id: &[u8], name: &str) -> bool {
    let Ok(id) = std::str::from_utf8(id) else { return false };
    let id = without_version(id);
    let id = id.strip_suffix('.').unwrap_or(id);
    let folded = primary_identifier(name);
    let folded = without_version(&folded);
    let folded = folded.strip_suffix('.').unwrap_or(folded);
    id.eq_ignore_ascii_case(name) || id == folded
}
