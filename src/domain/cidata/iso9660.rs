//! An ISO 9660 image writer for small, flat seed volumes such as cloud-init's NoCloud `cidata`.
//!
//! The image carries a primary volume (upper-case level 2 names, for readers that know nothing
//! else) and a Joliet supplementary volume holding the names exactly as given, so `user-data`,
//! `meta-data` and `network-config` reach the guest unchanged. Both directories point at the same
//! file data. The bytes depend only on the inputs: equal inputs give equal images.
//!
//! Layout, in 2048-byte sectors: 0-15 system area, 16 primary descriptor, 17 Joliet descriptor,
//! 18 terminator, 19-22 the two volumes' path tables (little- then big-endian), the primary root
//! directory, the Joliet root directory, then each file's data from a sector boundary.

use chrono::{DateTime, Utc};

use super::iso_fields::{Stamp, both16, both32, ucs2};

pub(super) const SECTOR: usize = 2048;
/// Sector of the first volume descriptor (the first 16 are the system area).
pub(super) const FIRST_DESCRIPTOR: usize = 16;
/// Joliet's escape sequences (UCS-2 levels 1, 2 and 3) in a supplementary descriptor.
pub(super) const JOLIET_ESCAPES: [&[u8; 3]; 3] = [b"%/@", b"%/C", b"%/E"];

/// At most this many files in the root directory.
pub const MAX_FILES: usize = 64;
/// At most this many bytes in one file: a seed volume holds configuration, not payloads.
pub const MAX_FILE_BYTES: usize = 16 * 1024 * 1024;
/// Joliet names hold at most 64 UCS-2 characters.
pub const MAX_NAME_CHARS: usize = 64;
/// Joliet's volume identifier holds 16 UCS-2 characters.
pub const MAX_LABEL_CHARS: usize = 16;

const PATH_TABLE_BYTES: usize = 10;
const FIRST_PATH_TABLE: usize = FIRST_DESCRIPTOR + 3;
const FIRST_DIRECTORY: usize = FIRST_PATH_TABLE + 4;

/// Why an image was not written. Each message says what to change.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WriteIsoError {
    #[error("give the volume a label, for example cidata")]
    EmptyLabel,
    #[error("use a volume label of at most {MAX_LABEL_CHARS} characters (this one has {len})")]
    LabelTooLong { len: usize },
    #[error("use only letters, digits, '_' and '-' in the volume label: '{found}' is not allowed")]
    LabelChar { found: char },
    #[error("put at most {MAX_FILES} files in the image (this one has {count})")]
    TooManyFiles { count: usize },
    #[error("give every file a name (file {index} has none)")]
    EmptyName { index: usize },
    #[error("use file names of at most {MAX_NAME_CHARS} characters ('{name}' has {len})")]
    NameTooLong { name: String, len: usize },
    #[error(
        "use only letters, digits, '.', '_' and '-' in file name '{name}' (the image has one flat \
         directory): '{found}' is not allowed"
    )]
    NameChar { name: String, found: char },
    #[error("rename '{name}': '.' and '..' name directories, not files")]
    DotName { name: String },
    #[error("rename '{second}': it reads as '{first}' on readers without Joliet (case and punctuation are folded)")]
    NameClash { first: String, second: String },
    #[error("keep '{name}' to at most {MAX_FILE_BYTES} bytes (it has {len})")]
    FileTooBig { name: String, len: usize },
}

/// A flat ISO 9660 + Joliet image of `files` (name, content), labelled `volume_label`, with every
/// timestamp set to `created` (clamped to 1900..=2155, what a directory record can hold).
pub fn write_iso(
    volume_label: &str,
    files: &[(&str, &[u8])],
    created: DateTime<Utc>,
) -> Result<Vec<u8>, WriteIsoError> {
    check_label(volume_label)?;
    let primary_names = check_files(files)?;
    let stamp = Stamp::from(created);

    let mut primary: Vec<Entry> = Vec::with_capacity(files.len());
    let mut joliet: Vec<Entry> = Vec::with_capacity(files.len());
    for (index, ((name, data), short)) in files.iter().zip(&primary_names).enumerate() {
        primary.push(Entry {
            id: short.as_bytes().to_vec(),
            index,
            len: data.len(),
        });
        joliet.push(Entry {
            id: ucs2(name),
            index,
            len: data.len(),
        });
    }
    primary.sort_by(|a, b| a.id.cmp(&b.id));
    joliet.sort_by(|a, b| a.id.cmp(&b.id));

    let primary_dir_sectors = directory_sectors(&primary);
    let joliet_dir_sectors = directory_sectors(&joliet);
    let primary_dir = FIRST_DIRECTORY;
    let joliet_dir = primary_dir + primary_dir_sectors;
    let mut next = joliet_dir + joliet_dir_sectors;
    let mut extents = Vec::with_capacity(files.len());
    for (_, data) in files {
        if data.is_empty() {
            extents.push(0);
        } else {
            extents.push(next);
            next += data.len().div_ceil(SECTOR);
        }
    }
    let total = next;

    let mut image = vec![0u8; total * SECTOR];
    let primary_root = Root {
        sector: primary_dir,
        sectors: primary_dir_sectors,
    };
    let joliet_root = Root {
        sector: joliet_dir,
        sectors: joliet_dir_sectors,
    };
    let volume = Volume {
        label: volume_label,
        total,
        stamp: &stamp,
    };
    descriptor(&mut image, FIRST_DESCRIPTOR, &volume, &primary_root, Face::Primary);
    descriptor(&mut image, FIRST_DESCRIPTOR + 1, &volume, &joliet_root, Face::Joliet);
    let end = (FIRST_DESCRIPTOR + 2) * SECTOR;
    image[end] = 255;
    image[end + 1..end + 6].copy_from_slice(b"CD001");
    image[end + 6] = 1;
    for (n, root) in [primary_root, joliet_root].iter().enumerate() {
        path_tables(&mut image, FIRST_PATH_TABLE + 2 * n, root.sector);
    }
    directory(&mut image, &primary_root, &primary, &extents, &stamp);
    directory(&mut image, &joliet_root, &joliet, &extents, &stamp);
    for ((_, data), sector) in files.iter().zip(&extents) {
        let at = sector * SECTOR;
        image[at..at + data.len()].copy_from_slice(data);
    }
    Ok(image)
}

/// The primary-volume identifier for `name`: upper case, anything outside `A-Z0-9_` folded to
/// `_`, the last `.` kept as the extension separator, cut to level 2's 30 characters, `;1` added.
pub(super) fn primary_identifier(name: &str) -> String {
    let upper = name.to_ascii_uppercase();
    let (base, ext) = upper.rsplit_once('.').unwrap_or((&upper, ""));
    let fold = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if c.is_ascii_uppercase() || c.is_ascii_digit() {
                    c
                } else {
                    '_'
                }
            })
            .collect()
    };
    let ext: String = fold(ext).chars().take(8).collect();
    let base: String = fold(base).chars().take(30 - ext.len()).collect();
    format!("{base}.{ext};1")
}

fn check_label(label: &str) -> Result<(), WriteIsoError> {
    if label.is_empty() {
        return Err(WriteIsoError::EmptyLabel);
    }
    if let Some(found) = label
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '-'))
    {
        return Err(WriteIsoError::LabelChar { found });
    }
    if label.len() > MAX_LABEL_CHARS {
        return Err(WriteIsoError::LabelTooLong { len: label.len() });
    }
    Ok(())
}

/// Checks every file and returns their primary identifiers, in the same order.
fn check_files(files: &[(&str, &[u8])]) -> Result<Vec<String>, WriteIsoError> {
    if files.len() > MAX_FILES {
        return Err(WriteIsoError::TooManyFiles { count: files.len() });
    }
    let mut shorts: Vec<String> = Vec::with_capacity(files.len());
    for (index, (name, data)) in files.iter().enumerate() {
        let name = *name;
        if name.is_empty() {
            return Err(WriteIsoError::EmptyName { index });
        }
        let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-');
        if let Some(found) = name.chars().find(|c| !allowed(*c)) {
            return Err(WriteIsoError::NameChar {
                name: name.to_owned(),
                found,
            });
        }
        if name.len() > MAX_NAME_CHARS {
            return Err(WriteIsoError::NameTooLong {
                name: name.to_owned(),
                len: name.len(),
            });
        }
        if name == "." || name == ".." {
            return Err(WriteIsoError::DotName { name: name.to_owned() });
        }
        if data.len() > MAX_FILE_BYTES {
            return Err(WriteIsoError::FileTooBig {
                name: name.to_owned(),
                len: data.len(),
            });
        }
        let short = primary_identifier(name);
        if let Some(first) = shorts.iter().position(|s| *s == short) {
            return Err(WriteIsoError::NameClash {
                first: files[first].0.to_owned(),
                second: name.to_owned(),
            });
        }
        shorts.push(short);
    }
    Ok(shorts)
}

/// One file's record in a directory: its identifier as stored, which file, and its length.
struct Entry {
    id: Vec<u8>,
    index: usize,
    len: usize,
}

#[derive(Clone, Copy)]
struct Root {
    sector: usize,
    sectors: usize,
}

#[derive(Clone, Copy, PartialEq)]
enum Face {
    Primary,
    Joliet,
}

struct Volume<'a> {
    label: &'a str,
    total: usize,
    stamp: &'a Stamp,
}

fn record_len(id_len: usize) -> usize {
    33 + id_len + usize::from(id_len.is_multiple_of(2))
}

/// Sectors a root directory of `entries` needs ("." and ".." first); no record crosses a sector.
fn directory_sectors(entries: &[Entry]) -> usize {
    let mut sectors = 1;
    let mut used = 2 * record_len(1);
    for e in entries {
        let len = record_len(e.id.len());
        if used + len > SECTOR {
            sectors += 1;
            used = 0;
        }
        used += len;
    }
    sectors
}

/// Writes one directory record at the start of `buf`; returns its length.
fn record(buf: &mut [u8], id: &[u8], extent: usize, len: usize, dir: bool, stamp: &Stamp) -> usize {
    let total = record_len(id.len());
    buf[0] = u8::try_from(total).unwrap_or(u8::MAX);
    both32(&mut buf[2..10], extent);
    both32(&mut buf[10..18], len);
    buf[18..25].copy_from_slice(&stamp.record);
    buf[25] = if dir { 2 } else { 0 };
    both16(&mut buf[28..32], 1);
    buf[32] = u8::try_from(id.len()).unwrap_or(u8::MAX);
    buf[33..33 + id.len()].copy_from_slice(id);
    total
}

fn directory(image: &mut [u8], root: &Root, entries: &[Entry], extents: &[usize], stamp: &Stamp) {
    let size = root.sectors * SECTOR;
    let mut at = root.sector * SECTOR;
    let mut sector_end = at + SECTOR;
    at += record(&mut image[at..], &[0], root.sector, size, true, stamp);
    at += record(&mut image[at..], &[1], root.sector, size, true, stamp);
    for e in entries {
        if at + record_len(e.id.len()) > sector_end {
            at = sector_end;
            sector_end += SECTOR;
        }
        at += record(&mut image[at..], &e.id, extents[e.index], e.len, false, stamp);
    }
}

fn path_tables(image: &mut [u8], first: usize, root_sector: usize) {
    let sector = u32::try_from(root_sector).unwrap_or(u32::MAX);
    for (n, bytes) in [sector.to_le_bytes(), sector.to_be_bytes()].iter().enumerate() {
        let at = (first + n) * SECTOR;
        image[at] = 1;
        image[at + 2..at + 6].copy_from_slice(bytes);
        let parent = if n == 0 { 1u16.to_le_bytes() } else { 1u16.to_be_bytes() };
        image[at + 6..at + 8].copy_from_slice(&parent);
    }
}

/// Writes `text` into a fixed-width field, space-padded, in the face's character set.
fn field(buf: &mut [u8], text: &str, face: Face) {
    match face {
        Face::Primary => {
            buf.fill(b' ');
            buf[..text.len()].copy_from_slice(text.as_bytes());
        }
        Face::Joliet => {
            for pair in buf.chunks_exact_mut(2) {
                pair.copy_from_slice(&[0, b' ']);
            }
            let encoded = ucs2(text);
            buf[..encoded.len()].copy_from_slice(&encoded);
        }
    }
}

fn descriptor(image: &mut [u8], sector: usize, volume: &Volume, root: &Root, face: Face) {
    let d = &mut image[sector * SECTOR..(sector + 1) * SECTOR];
    d[0] = if face == Face::Primary { 1 } else { 2 };
    d[1..6].copy_from_slice(b"CD001");
    d[6] = 1;
    field(&mut d[8..40], "", face);
    field(&mut d[40..72], volume.label, face);
    both32(&mut d[80..88], volume.total);
    if face == Face::Joliet {
        d[88..91].copy_from_slice(JOLIET_ESCAPES[2]);
    }
    both16(&mut d[120..124], 1);
    both16(&mut d[124..128], 1);
    both16(&mut d[128..132], 2048);
    both32(&mut d[132..140], PATH_TABLE_BYTES);
    let tables = FIRST_PATH_TABLE + if face == Face::Primary { 0 } else { 2 };
    let l_table = u32::try_from(tables).unwrap_or(0);
    d[140..144].copy_from_slice(&l_table.to_le_bytes());
    d[148..152].copy_from_slice(&(l_table + 1).to_be_bytes());
    record(
        &mut d[156..190],
        &[0],
        root.sector,
        root.sectors * SECTOR,
        true,
        volume.stamp,
    );
    field(&mut d[190..318], "", face);
    field(&mut d[318..446], "", face);
    field(&mut d[446..574], "", face);
    field(&mut d[574..702], "NIMBUS", face);
    if face == Face::Primary {
        d[702..813].fill(b' ');
    }
    for date in [813, 830, 864] {
        d[date..date + 17].copy_from_slice(&volume.stamp.digits);
    }
    d[847..863].fill(b'0');
    d[881] = 1;
}
