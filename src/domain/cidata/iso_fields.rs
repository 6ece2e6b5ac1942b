//! How ISO 9660 encodes its fields: both-endian numbers, UCS-2 (big-endian) Joliet text and the
//! two timestamp forms.

use chrono::{DateTime, Datelike, Timelike, Utc};

/// `created` in the two forms ISO 9660 records times: 7 binary bytes and 17 digits.
pub(super) struct Stamp {
    pub(super) record: [u8; 7],
    pub(super) digits: [u8; 17],
}

impl From<DateTime<Utc>> for Stamp {
    fn from(t: DateTime<Utc>) -> Self {
        let (y, mo, d, h, mi, s) = if t.year() < 1900 {
            (1900, 1, 1, 0, 0, 0)
        } else if t.year() > 2155 {
            (2155, 12, 31, 23, 59, 59)
        } else {
            (t.year(), t.month(), t.day(), t.hour(), t.minute(), t.second().min(59))
        };
        let as_u8 = |v: u32| u8::try_from(v).unwrap_or(0);
        let year = u8::try_from(y - 1900).unwrap_or(0);
        let record = [year, as_u8(mo), as_u8(d), as_u8(h), as_u8(mi), as_u8(s), 0];
        let text = format!("{y:04}{mo:02}{d:02}{h:02}{mi:02}{s:02}00");
        let mut digits = [0u8; 17];
        digits[..16].copy_from_slice(&text.as_bytes()[..16]);
        Self { record, digits }
    }
}

pub(super) fn ucs2(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(u16::to_be_bytes).collect()
}

pub(super) fn both16(buf: &mut [u8], v: u16) {
    buf[..2].copy_from_slice(&v.to_le_bytes());
    buf[2..4].copy_from_slice(&v.to_be_bytes());
}

pub(super) fn both32(buf: &mut [u8], v: usize) {
    let v = u32::try_from(v).unwrap_or(u32::MAX);
    buf[..4].copy_from_slice(&v.to_le_bytes());
    buf[4..8].copy_from_slice(&v.to_be_bytes());
}
