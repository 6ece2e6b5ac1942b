//! Property tests: reading never panics, whatever the bytes, and what is written reads back.

use chrono::{TimeZone, Utc};
use proptest::prelude::*;

use super::*;
use crate::domain::proptest_config::with_cases;

fn sample() -> Vec<u8> {
    let files: [(&str, &[u8]); 3] = [
        ("user-data", b"#cloud-config\n"),
        ("meta-data", b"m"),
        ("n", &[1u8; 3000]),
    ];
    write_iso("cidata", &files, Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap()).unwrap()
}

proptest! {
    #![proptest_config(with_cases(256))]

    #[test]
    fn reading_arbitrary_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..80_000), name in "[a-z-]{0,12}") {
        let _ = read_iso_file(&bytes, &name);
    }

    #[test]
    fn reading_a_damaged_image_never_panics(
        damage in proptest::collection::vec((16 * 2048usize..30 * 2048, any::<u8>()), 1..40),
        cut in 0usize..40_000,
    ) {
        let mut image = sample();
        for (at, byte) in damage {
            if let Some(b) = image.get_mut(at) {
                *b = byte;
            }
        }
        for name in ["user-data", "meta-data", "n"] {
            let _ = read_iso_file(&image, name);
            let _ = read_iso_file(&image[..cut.min(image.len())], name);
        }
    }

    #[test]
    fn every_written_file_reads_back(
        files in proptest::collection::btree_map("[a-z0-9][a-z0-9._-]{0,40}", proptest::collection::vec(any::<u8>(), 0..5000), 0..12),
    ) {
        let list: Vec<(&str, &[u8])> = files.iter().map(|(n, d)| (n.as_str(), d.as_slice())).collect();
        let created = Utc.with_ymd_and_hms(2024, 6, 1, 12, 0, 0).unwrap();
        match write_iso("cidata", &list, created) {
            Ok(image) => {
                for (name, data) in &list {
                    let read = read_iso_file(&image, name);
                    prop_assert_eq!(read.as_deref(), Some(*data));
                }
            }
            Err(e) => prop_assert!(matches!(e, WriteIsoError::NameClash { .. } | WriteIsoError::DotName { .. }), "{e}"),
        }
    }
}
