//! The numbers of TLS and their names: content types, versions, handshake types, cipher
//! suites and alerts. Only the ones a learner meets on a wss:// connection are named; the
//! rest are shown as numbers, never guessed at.

/// What a record carries: the first byte of its header (RFC 8446 §5.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ContentType {
    /// 20: a one-byte signal, in TLS 1.2 "from now on I encrypt"; TLS 1.3 sends it only so
    /// that old middleboxes see a familiar handshake (RFC 8446 §D.4).
    ChangeCipherSpec,
    /// 21: a warning or a fatal error, two bytes.
    Alert,
    /// 22: handshake messages, such as `ClientHello`.
    Handshake,
    /// 23: encrypted data; in TLS 1.3, every record after the `ServerHello` is this type.
    ApplicationData,
    /// 24: the heartbeat extension (RFC 6520).
    Heartbeat,
    /// Any other byte: not a TLS content type.
    Unknown(u8),
}

impl ContentType {
    /// The content type for a header's first byte.
    pub fn from_byte(byte: u8) -> Self {
        match byte {
            20 => Self::ChangeCipherSpec,
            21 => Self::Alert,
            22 => Self::Handshake,
            23 => Self::ApplicationData,
            24 => Self::Heartbeat,
            other => Self::Unknown(other),
        }
    }

    /// The byte on the wire.
    pub fn byte(self) -> u8 {
        match self {
            Self::ChangeCipherSpec => 20,
            Self::Alert => 21,
            Self::Handshake => 22,
            Self::ApplicationData => 23,
            Self::Heartbeat => 24,
            Self::Unknown(byte) => byte,
        }
    }

    /// The name RFC 8446 gives it, e.g. "`application_data`".
    pub fn name(self) -> &'static str {
        match self {
            Self::ChangeCipherSpec => "change_cipher_spec",
            Self::Alert => "alert",
            Self::Handshake => "handshake",
            Self::ApplicationData => "application_data",
            Self::Heartbeat => "heartbeat",
            Self::Unknown(_) => "unknown",
        }
    }
}

/// The name of a protocol version number, e.g. "TLS 1.2" for 0x0303.
///
/// A record header's version says little: TLS 1.3 writes 0x0303 there (and 0x0301 on a
/// first `ClientHello`) because middleboxes that saw 0x0304 dropped the connection. The
/// real version is negotiated in the `supported_versions` extension (RFC 8446 §5.1, §4.2.1).
pub fn version_name(version: u16) -> &'static str {
    match version {
        0x0300 => "SSL 3.0",
        0x0301 => "TLS 1.0",
        0x0302 => "TLS 1.1",
        0x0303 => "TLS 1.2",
        0x0304 => "TLS 1.3",
        v if is_grease(v) => "GREASE (a reserved value sent to keep peers tolerant)",
        _ => "unknown version",
    }
}

/// Whether `value` is one of the 16 GREASE values (0x0a0a, 0x1a1a, … 0xfafa) that clients
/// sprinkle into lists so that servers learn to ignore what they do not know (RFC 8701).
pub fn is_grease(value: u16) -> bool {
    let [high, low] = value.to_be_bytes();
    high == low && high & 0x0f == 0x0a
}

/// What a handshake message is: its first byte (RFC 8446 §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HandshakeType {
    /// 1: the client's opening offer; always in clear.
    ClientHello,
    /// 2: the server's choice; always in clear. A `HelloRetryRequest` has this type too.
    ServerHello,
    /// 4: a resumption ticket; encrypted in TLS 1.3.
    NewSessionTicket,
    /// 5: the end of 0-RTT data; encrypted.
    EndOfEarlyData,
    /// 8: the server's other extensions; encrypted in TLS 1.3.
    EncryptedExtensions,
    /// 11: a certificate chain; encrypted in TLS 1.3, in clear in TLS 1.2.
    Certificate,
    /// 12: TLS 1.2's server key share.
    ServerKeyExchange,
    /// 13: a request for the client's certificate.
    CertificateRequest,
    /// 14: TLS 1.2's end of the server's first flight.
    ServerHelloDone,
    /// 15: a signature over the handshake so far.
    CertificateVerify,
    /// 16: TLS 1.2's client key share.
    ClientKeyExchange,
    /// 20: the MAC that closes a handshake; always encrypted.
    Finished,
    /// 24: a change of traffic keys in TLS 1.3.
    KeyUpdate,
    /// Any other byte.
    Unknown(u8),
}

impl HandshakeType {
    /// The handshake type for a message's first byte.
    pub fn from_byte(byte: u8) -> Self {
        match byte {
            1 => Self::ClientHello,
            2 => Self::ServerHello,
            4 => Self::NewSessionTicket,
            5 => Self::EndOfEarlyData,
            8 => Self::EncryptedExtensions,
            11 => Self::Certificate,
            12 => Self::ServerKeyExchange,
            13 => Self::CertificateRequest,
            14 => Self::ServerHelloDone,
            15 => Self::CertificateVerify,
            16 => Self::ClientKeyExchange,
            20 => Self::Finished,
            24 => Self::KeyUpdate,
            other => Self::Unknown(other),
        }
    }

    /// The byte on the wire.
    pub fn byte(self) -> u8 {
        match self {
            Self::ClientHello => 1,
            Self::ServerHello => 2,
            Self::NewSessionTicket => 4,
            Self::EndOfEarlyData => 5,
            Self::EncryptedExtensions => 8,
            Self::Certificate => 11,
            Self::ServerKeyExchange => 12,
            Self::CertificateRequest => 13,
            Self::ServerHelloDone => 14,
            Self::CertificateVerify => 15,
            Self::ClientKeyExchange => 16,
            Self::Finished => 20,
            Self::KeyUpdate => 24,
            Self::Unknown(byte) => byte,
        }
    }

    /// The name people use, e.g. "`ClientHello`".
    pub fn name(self) -> &'static str {
        match self {
            Self::ClientHello => "ClientHello",
            Self::ServerHello => "ServerHello",
            Self::NewSessionTicket => "NewSessionTicket",
            Self::EndOfEarlyData => "EndOfEarlyData",
            Self::EncryptedExtensions => "EncryptedExtensions",
            Self::Certificate => "Certificate",
            Self::ServerKeyExchange => "ServerKeyExchange",
            Self::CertificateRequest => "CertificateRequest",
            Self::ServerHelloDone => "ServerHelloDone",
            Self::CertificateVerify => "CertificateVerify",
            Self::ClientKeyExchange => "ClientKeyExchange",
            Self::Finished => "Finished",
            Self::KeyUpdate => "KeyUpdate",
            Self::Unknown(_) => "unknown handshake type",
        }
    }
}

/// The name of a cipher suite: all five of TLS 1.3 and the common TLS 1.2 ones.
pub fn cipher_suite_name(suite: u16) -> &'static str {
    match suite {
        0x1301 => "TLS_AES_128_GCM_SHA256",
        0x1302 => "TLS_AES_256_GCM_SHA384",
        0x1303 => "TLS_CHACHA20_POLY1305_SHA256",
        0x1304 => "TLS_AES_128_CCM_SHA256",
        0x1305 => "TLS_AES_128_CCM_8_SHA256",
        0xc02b => "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        0xc02c => "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        0xc02f => "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        0xc030 => "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        0xcca8 => "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
        0xcca9 => "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
        0x009c => "TLS_RSA_WITH_AES_128_GCM_SHA256",
        0x002f => "TLS_RSA_WITH_AES_128_CBC_SHA",
        0x00ff => "TLS_EMPTY_RENEGOTIATION_INFO_SCSV",
        s if is_grease(s) => "GREASE",
        _ => "unknown cipher suite",
    }
}

/// The name of an alert level: 1 warning, 2 fatal.
pub fn alert_level_name(level: u8) -> &'static str {
    match level {
        1 => "warning",
        2 => "fatal",
        _ => "unknown level",
    }
}

/// The name of an alert description (RFC 8446 §6).
pub fn alert_description_name(description: u8) -> &'static str {
    match description {
        0 => "close_notify",
        10 => "unexpected_message",
        20 => "bad_record_mac",
        22 => "record_overflow",
        40 => "handshake_failure",
        42 => "bad_certificate",
        43 => "unsupported_certificate",
        44 => "certificate_revoked",
        45 => "certificate_expired",
        46 => "certificate_unknown",
        47 => "illegal_parameter",
        48 => "unknown_ca",
        49 => "access_denied",
        50 => "decode_error",
        51 => "decrypt_error",
        70 => "protocol_version",
        71 => "insufficient_security",
        80 => "internal_error",
        86 => "inappropriate_fallback",
        90 => "user_canceled",
        109 => "missing_extension",
        110 => "unsupported_extension",
        112 => "unrecognized_name",
        113 => "bad_certificate_status_response",
        115 => "unknown_psk_identity",
        116 => "certificate_required",
        120 => "no_application_protocol",
        _ => "unknown alert",
    }
}
