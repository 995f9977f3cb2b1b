//! The client side's rustls configuration: whom to trust, and where to log the session keys.

use std::fs::File;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, RootCertStore, SignatureScheme};

use super::TlsError;

/// Whom a wss:// client trusts.
#[derive(Debug, Clone, Default)]
pub enum Trust {
    /// The operating system's roots, as a browser would.
    #[default]
    System,
    /// The CA certificates in this PEM file, and nothing else (`--ca`).
    Ca(PathBuf),
    /// These roots, held in memory: the lab's own clients trust the lab's CA this way.
    Roots(Arc<RootCertStore>),
    /// Nobody is checked (`--insecure`): any certificate is accepted. Signatures in the
    /// handshake are still verified, so the session is encrypted, but not authenticated.
    Insecure,
}

/// How a wss:// client is configured.
#[derive(Debug, Clone, Default)]
pub struct TlsOptions {
    /// Whom to trust.
    pub trust: Trust,
    /// Where to append the session secrets in the SSLKEYLOGFILE format, if anywhere.
    pub keylog: Option<PathBuf>,
    // The configuration, once built: the system's roots and a CA file are read once, and the
    // key log opened once, however often a command checks them or a console reconnects.
    built: Arc<OnceLock<Arc<rustls::ClientConfig>>>,
}

impl TlsOptions {
    /// Options that trust `trust` and log keys to `keylog`.
    pub fn new(trust: Trust, keylog: Option<PathBuf>) -> Self {
        Self {
            trust,
            keylog,
            built: Arc::default(),
        }
    }

    /// The rustls configuration these options describe, ALPN `http/1.1` included; built on
    /// the first call, shared by the options' clones after.
    ///
    /// # Errors
    /// One [`TlsError`] per problem with the CA file or the key log file.
    pub fn client_config(&self) -> Result<Arc<rustls::ClientConfig>, TlsError> {
        if let Some(config) = self.built.get() {
            return Ok(config.clone());
        }
        let config = self.build()?;
        // Two racing first calls build twice; either result is the same configuration.
        Ok(self.built.get_or_init(|| config).clone())
    }

    fn build(&self) -> Result<Arc<rustls::ClientConfig>, TlsError> {
        let builder = rustls::ClientConfig::builder_with_provider(super::provider())
            .with_safe_default_protocol_versions()
            .map_err(|e| TlsError::Config(e.to_string()))?;
        let mut config = match &self.trust {
            Trust::Insecure => builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(AcceptAny))
                .with_no_client_auth(),
            Trust::System => builder
                .with_root_certificates(system_roots()?)
                .with_no_client_auth(),
            Trust::Ca(path) => builder
                .with_root_certificates(ca_file(path)?)
                .with_no_client_auth(),
            Trust::Roots(roots) => builder
                .with_root_certificates(roots.clone())
                .with_no_client_auth(),
        };
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        if let Some(path) = &self.keylog {
            config.key_log = Arc::new(KeyLogFile::open(path)?);
        }
        Ok(Arc::new(config))
    }
}

fn system_roots() -> Result<RootCertStore, TlsError> {
    let found = rustls_native_certs::load_native_certs();
    let mut roots = RootCertStore::empty();
    let (added, _ignored) = roots.add_parsable_certificates(found.certs);
    if added == 0 {
        let detail = found
            .errors
            .first()
            .map_or_else(|| "none were found".to_string(), ToString::to_string);
        return Err(TlsError::NoSystemRoots(detail));
    }
    Ok(roots)
}

fn ca_file(path: &Path) -> Result<RootCertStore, TlsError> {
    let shown = path.display().to_string();
    let text =
        std::fs::read(path).map_err(|e| TlsError::CaUnreadable(shown.clone(), e.to_string()))?;
    let mut roots = RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(&text) {
        let cert = cert.map_err(|e| TlsError::CaNotPem(shown.clone(), e.to_string()))?;
        roots
            .add(cert)
            .map_err(|e| TlsError::CaNotPem(shown.clone(), e.to_string()))?;
    }
    if roots.is_empty() {
        return Err(TlsError::CaNotPem(
            shown,
            "it holds no CERTIFICATE block".into(),
        ));
    }
    Ok(roots)
}

/// Opens (creating it, owner-only) the key log at `path`, to find a path that cannot be
/// written before any connection needs it.
///
/// # Errors
/// [`TlsError::KeyLog`] naming the path and the system's reason.
pub fn check_keylog(path: &Path) -> Result<(), TlsError> {
    KeyLogFile::open(path).map(drop)
}

/// A key log appending to `path`, for a server's configuration: the proxy's `--tls` side logs
/// its sessions' secrets where `--keylog` says, as its upstream side does, so that a saved
/// pcap of the client's side opens decrypted too.
///
/// # Errors
/// [`TlsError::KeyLog`] naming the path and the system's reason.
pub fn key_log(path: &Path) -> Result<Arc<dyn rustls::KeyLog>, TlsError> {
    Ok(Arc::new(KeyLogFile::open(path)?))
}

/// Appends each secret as `LABEL CLIENT_RANDOM SECRET` in hex, one line each: the NSS key log
/// format that Wireshark's `tls.keylog_file` reads. Appended, so several runs can share a file.
#[derive(Debug)]
struct KeyLogFile {
    file: Mutex<File>,
}

impl KeyLogFile {
    fn open(path: &Path) -> Result<Self, TlsError> {
        let mut options = File::options();
        options.create(true).append(true);
        // Secrets: readable by their owner only, as a private key would be.
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = options
            .open(path)
            .map_err(|e| TlsError::KeyLog(path.display().to_string(), e.to_string()))?;
        Ok(Self {
            file: Mutex::new(file),
        })
    }
}

impl rustls::KeyLog for KeyLogFile {
    fn log(&self, label: &str, client_random: &[u8], secret: &[u8]) {
        let line = format!(
            "{label} {} {}\n",
            hex::encode(client_random),
            hex::encode(secret)
        );
        let mut file = self
            .file
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // rustls gives no way to fail here; a full disk loses a key line, not the session.
        let _ = file.write_all(line.as_bytes());
    }
}

/// Accepts any server certificate, for `--insecure`.
#[derive(Debug)]
struct AcceptAny;

impl ServerCertVerifier for AcceptAny {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &super::provider().signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &super::provider().signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        super::provider()
            .signature_verification_algorithms
            .supported_schemes()
    }
}
