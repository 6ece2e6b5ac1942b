//! The codec against keys made by OpenSSH's own ssh-keygen (fixtures: public keys with the
//! fingerprints ssh-keygen printed, and a passphrase-protected private key whose passphrase was
//! thrown away), and against keys it generates itself.

use super::*;

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/ssh/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn public_keys_parse_with_ssh_keygen_fingerprints_and_sizes() {
    for (name, algorithm, bits) in [
        ("ed25519", KeyAlgorithm::Ed25519, 256),
        ("ecdsa256", KeyAlgorithm::EcdsaP256, 256),
        ("rsa3072", KeyAlgorithm::Rsa, 3072),
        ("rsa2048", KeyAlgorithm::Rsa, 2048),
    ] {
        let info = OpenSshCodec.parse_public(&fixture(&format!("{name}.pub"))).unwrap();
        assert_eq!((info.algorithm, info.bits), (algorithm, bits), "{name}");
        assert_eq!(
            info.fingerprint,
            fixture(&format!("{name}.fingerprint")).trim(),
            "{name}"
        );
        assert!(info.line.starts_with(algorithm.as_str()), "{}", info.line);
        assert!(!info.comment.is_empty());
    }
}

#[test]
fn comments_with_control_characters_are_refused_but_a_windows_line_end_is_not() {
    let line = fixture("ed25519.pub");
    let mut fields = line.split_whitespace();
    let (algorithm, body) = (fields.next().unwrap(), fields.next().unwrap());
    for comment in [
        "you\r@laptop",
        "a\rb",
        "x\u{7f}",
        "bell\u{7}",
        "esc\u{1b}[1m",
        "tab\there",
        "n\u{85}l",
    ] {
        assert_eq!(
            OpenSshCodec.parse_public(&format!("{algorithm} {body} {comment}")),
            Err(KeyParseError::ControlCharacter),
            "{comment:?}"
        );
    }
    let pasted = OpenSshCodec
        .parse_public(&format!("{algorithm} {body} you@laptop\r\n"))
        .unwrap();
    assert_eq!(pasted.comment, "you@laptop");
    assert!(!pasted.line.chars().any(char::is_control), "{:?}", pasted.line);
}

#[test]
fn wrong_texts_in_the_public_field_get_a_reason() {
    let codec = OpenSshCodec;
    assert_eq!(codec.parse_public("hello"), Err(KeyParseError::NotPublic));
    assert_eq!(codec.parse_public(""), Err(KeyParseError::NotPublic));
    assert_eq!(
        codec.parse_public(&fixture("locked-with-unknown-passphrase")),
        Err(KeyParseError::PrivateInPublicField)
    );
    assert_eq!(
        codec.parse_public("ssh-dss AAAAB3NzaC1kc3MAAACBAP== old@box"),
        Err(KeyParseError::Unsupported("DSA".into()))
    );
}

#[test]
fn a_generated_key_round_trips_and_matches_its_public_half() {
    let codec = OpenSshCodec;
    let made = codec.generate_ed25519("nimbus-web01").unwrap();
    assert!(made.openssh.starts_with("-----BEGIN OPENSSH PRIVATE KEY-----"));
    assert_eq!(made.public.comment, "nimbus-web01");
    let again = codec.parse_private(&made.openssh).unwrap();
    assert_eq!(again.public.fingerprint, made.public.fingerprint);
    let public = codec.parse_public(&made.public.line).unwrap();
    assert_eq!(public.fingerprint, made.public.fingerprint);
    assert_ne!(
        codec.generate_ed25519("x").unwrap().public.fingerprint,
        made.public.fingerprint
    );
}

#[test]
fn protected_pem_and_public_texts_in_the_private_field_are_refused() {
    let codec = OpenSshCodec;
    assert_eq!(
        codec.parse_private(&fixture("locked-with-unknown-passphrase")),
        Err(KeyParseError::Encrypted)
    );
    let pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----\n";
    assert_eq!(codec.parse_private(pem), Err(KeyParseError::NotPrivate));
    assert_eq!(
        codec.parse_private(&fixture("ed25519.pub")),
        Err(KeyParseError::PublicInPrivateField)
    );
    assert_eq!(codec.parse_private("garbage"), Err(KeyParseError::NotPrivate));
}

#[test]
fn bit_lengths_ignore_leading_zeros() {
    assert_eq!(bit_length(&[0x00, 0x80, 0x00]), 16);
    assert_eq!(bit_length(&[0x01]), 1);
    assert_eq!(bit_length(&[]), 0);
}
