//! How Nimbus trusts a Proxmox node's certificate, and the rustls client configuration for it.
//!
//! Proxmox serves a self-signed certificate by default, issued for the node's name rather than
//! the address Nimbus dials, so besides a CA there are two more ways to trust it: accept any
//! certificate, or pin one by its SHA-256 fingerprint (as the web UI shows it). Both still do a
//! full handshake and check its signatures with the certificate's key; only the chain and name
//! checks are skipped.

use std::fmt::Write as _;
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms, verify_tls12_signature, verify_tls13_signature};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, ClientConfig, DigitallySignedStruct, OtherError, RootCertStore, SignatureScheme};
use sha2::{Digest, Sha256};

/// Which server certificates to trust.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TlsTrust {
    /// Accept any server certificate (Proxmox's self-signed default), still doing a real TLS
    /// handshake.
    AcceptAny,
    /// Trust only certificates issued by this CA (PEM), hostname checked.
    CaPem(String),
    /// Accept exactly the certificate whose SHA-256 of the DER matches (as Proxmox shows it,
    /// `AA:BB:...`).
    Fingerprint([u8; 32]),
}

impl TlsTrust {
    /// Reads a SHA-256 fingerprint written as Proxmox shows it (`AA:BB:…`, any case) or as 64 hex
    /// digits.
    pub fn parse_fingerprint(text: &str) -> Result<[u8; 32], String> {
        let text = text.trim();
        let hex: String = if text.contains(':') {
            let parts: Vec<&str> = text.split(':').collect();
            if parts.len() != 32 || parts.iter().any(|p| p.len() != 2) {
                return Err(format!(
                    "expected a SHA-256 fingerprint of 32 ':'-separated byte pairs (AA:BB:…), got {text:?}"
                ));
            }
            parts.concat()
        } else {
            text.to_owned()
        };
        if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(format!(
                "expected a SHA-256 fingerprint (AA:BB:… or 64 hex digits), got {text:?}"
            ));
        }
        let mut out = [0u8; 32];
        for (i, byte) in out.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).map_err(|e| e.to_string())?;
        }
        Ok(out)
    }

    /// A fingerprint as Proxmox shows it: `AA:BB:…`.
    pub fn fingerprint_text(fingerprint: &[u8; 32]) -> String {
        let mut out = String::with_capacity(95);
        for (i, b) in fingerprint.iter().enumerate() {
            if i > 0 {
                out.push(':');
            }
            let _ = write!(out, "{b:02X}");
        }
        out
    }
}

/// The rustls configuration for `trust`, with the aws-lc-rs provider set on the config itself
/// (no process-wide default needed). Errors describe a bad CA PEM.
pub(super) fn client_config(trust: &TlsTrust) -> Result<ClientConfig, String> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS setup failed: {e}"))?;
    let config = match trust {
        TlsTrust::CaPem(pem) => builder.with_root_certificates(roots(pem)?).with_no_client_auth(),
        TlsTrust::AcceptAny => builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(Pinned::new(&provider, None)))
            .with_no_client_auth(),
        TlsTrust::Fingerprint(fp) => builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(Pinned::new(&provider, Some(*fp))))
            .with_no_client_auth(),
    };
    Ok(config)
}

fn roots(pem: &str) -> Result<RootCertStore, String> {
    let mut store = RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(pem.as_bytes()) {
        let cert = cert.map_err(|e| format!("the Proxmox CA certificate is not valid PEM: {e}"))?;
        store
            .add(cert)
            .map_err(|e| format!("the Proxmox CA certificate cannot be used: {e}"))?;
    }
    if store.is_empty() {
        return Err("the Proxmox CA PEM holds no certificate".into());
    }
    Ok(store)
}

/// Accepts the server's certificate without a chain or name check, or, with a pin, exactly the
/// certificate with that SHA-256; the handshake signatures are verified either way.
#[derive(Debug)]
struct Pinned {
    pin: Option<[u8; 32]>,
    algorithms: WebPkiSupportedAlgorithms,
}

impl Pinned {
    fn new(provider: &CryptoProvider, pin: Option<[u8; 32]>) -> Self {
        Self {
            pin,
            algorithms: provider.signature_verification_algorithms,
        }
    }
}

impl ServerCertVerifier for Pinned {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let Some(pin) = &self.pin else {
            return Ok(ServerCertVerified::assertion());
        };
        let seen: [u8; 32] = Sha256::digest(end_entity.as_ref()).into();
        if &seen == pin {
            return Ok(ServerCertVerified::assertion());
        }
        let why = format!(
            "server certificate fingerprint {} is not the pinned {}",
            TlsTrust::fingerprint_text(&seen),
            TlsTrust::fingerprint_text(pin)
        );
        Err(rustls::Error::InvalidCertificate(CertificateError::Other(OtherError(
            Arc::new(std::io::Error::other(why)),
        ))))
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}
