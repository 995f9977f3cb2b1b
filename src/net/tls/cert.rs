//! The lab's certificate: a private CA made when the lab starts, and a leaf for `localhost`,
//! 127.0.0.1 and `::1` signed by it. A CA rather than one self-signed leaf, because that is how
//! the public web works and what a learner will meet: clients trust an issuer, not a server.

use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use rustls::RootCertStore;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

use super::TlsError;

/// The names the leaf is valid for: what a learner types into a URL on this machine.
pub const NAMES: &[&str] = &["localhost", "127.0.0.1", "::1"];

/// A freshly generated CA and server certificate, in memory.
#[derive(Clone)]
pub struct LabCert {
    ca: CertificateDer<'static>,
    leaf: CertificateDer<'static>,
    key: Arc<PrivatePkcs8KeyDer<'static>>,
    ca_pem: String,
    leaf_pem: String,
    spki: Vec<u8>,
}

impl std::fmt::Debug for LabCert {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the key, even in a debug print.
        f.debug_struct("LabCert")
            .field("fingerprint", &self.fingerprint())
            .finish_non_exhaustive()
    }
}

impl LabCert {
    /// Generates a new CA and leaf (ECDSA P-256), valid from a day ago for 30 days.
    ///
    /// # Errors
    /// [`TlsError::Generate`] if the key or a certificate cannot be made.
    pub fn generate() -> Result<Self, TlsError> {
        let failed = |e: rcgen::Error| TlsError::Generate(e.to_string());
        let now = time::OffsetDateTime::now_utc();
        let (from, until) = (
            now - time::Duration::days(1),
            now + time::Duration::days(30),
        );

        let ca_key = KeyPair::generate().map_err(failed)?;
        let mut ca = CertificateParams::new(Vec::<String>::new()).map_err(failed)?;
        ca.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
        // A name of its own per run: a CA file kept from an earlier run then fails as an
        // unknown issuer, which says what to do, not as a puzzling bad signature.
        let mut id = [0u8; 4];
        getrandom::fill(&mut id).map_err(|e| TlsError::Generate(e.to_string()))?;
        let made = format!(
            "wslab lab CA {}, made {:04}-{:02}-{:02} {:02}:{:02}:{:02} UTC on this machine",
            hex::encode(id),
            now.year(),
            u8::from(now.month()),
            now.day(),
            now.hour(),
            now.minute(),
            now.second()
        );
        ca.distinguished_name.push(DnType::CommonName, made);
        ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        (ca.not_before, ca.not_after) = (from, until);
        let ca_cert = ca.self_signed(&ca_key).map_err(failed)?;
        let issuer = Issuer::new(ca, ca_key);

        let leaf_key = KeyPair::generate().map_err(failed)?;
        let names: Vec<String> = NAMES.iter().map(|n| (*n).to_string()).collect();
        let mut leaf = CertificateParams::new(names).map_err(failed)?;
        leaf.distinguished_name
            .push(DnType::CommonName, "wslab lab server");
        leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        (leaf.not_before, leaf.not_after) = (from, until);
        let leaf_cert = leaf.signed_by(&leaf_key, &issuer).map_err(failed)?;

        Ok(Self {
            spki: rcgen::PublicKeyData::subject_public_key_info(&leaf_key),
            ca_pem: ca_cert.pem(),
            leaf_pem: leaf_cert.pem(),
            ca: ca_cert.der().clone(),
            leaf: leaf_cert.der().clone(),
            key: Arc::new(PrivatePkcs8KeyDer::from(leaf_key.serialize_der())),
        })
    }

    /// The CA certificate as PEM: what `--ca` takes, and what a browser can import.
    pub fn ca_pem(&self) -> &str {
        &self.ca_pem
    }

    /// The server's certificate as PEM.
    pub fn leaf_pem(&self) -> &str {
        &self.leaf_pem
    }

    /// The server certificate's SHA-256 fingerprint, as browsers show it: `AB:CD:…`.
    pub fn fingerprint(&self) -> String {
        let digest = ring::digest::digest(&ring::digest::SHA256, &self.leaf);
        let hex: Vec<String> = digest.as_ref().iter().map(|b| format!("{b:02X}")).collect();
        hex.join(":")
    }

    /// The base64 SHA-256 of the server key's `SubjectPublicKeyInfo`: what Chromium's
    /// `--ignore-certificate-errors-spki-list` takes to trust this one key and no other.
    pub fn spki_sha256(&self) -> String {
        let digest = ring::digest::digest(&ring::digest::SHA256, &self.spki);
        base64::Engine::encode(&base64::engine::general_purpose::STANDARD, digest.as_ref())
    }

    /// A root store holding only this CA, for the lab's own clients.
    pub fn roots(&self) -> RootCertStore {
        let mut roots = RootCertStore::empty();
        // Our own freshly made CA always parses.
        let _ = roots.add(self.ca.clone());
        roots
    }

    /// The server side's rustls configuration: TLS 1.2 and 1.3, ALPN `http/1.1`. ALPN is sent
    /// so that Wireshark, decrypting with the key log, knows to read HTTP inside.
    ///
    /// # Errors
    /// [`TlsError::Config`] if rustls refuses the key.
    pub fn server_config(&self) -> Result<Arc<rustls::ServerConfig>, TlsError> {
        let key = PrivateKeyDer::Pkcs8(self.key.clone_key());
        let mut config = rustls::ServerConfig::builder_with_provider(super::provider())
            .with_safe_default_protocol_versions()
            .map_err(|e| TlsError::Config(e.to_string()))?
            .with_no_client_auth()
            .with_single_cert(vec![self.leaf.clone(), self.ca.clone()], key)
            .map_err(|e| TlsError::Config(e.to_string()))?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Arc::new(config))
    }
}
