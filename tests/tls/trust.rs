//! wss:// trust and failures: --ca and --insecure as documented, another CA refused with
//! the plain sentence, a plain server, and clients that stop or say nothing.

use std::sync::Arc;
use std::time::Duration;

use crate::common::exchange::NEVER;
use crate::common::tls::{hello, tls_lab, trusting, wss};
use wslab::capture::Direction;
use wslab::net::lab::{Lab, LabConfig, Timeouts};
use wslab::net::tls::{LabCert, TlsError, TlsOptions, Trust};
use wslab::net::url;
use wslab::net::{ClientError, ClientOptions, Recorder, WsClient};

async fn refused(lab: &Lab, trust: Trust) -> ClientError {
    let options = ClientOptions {
        tls: TlsOptions::new(trust, None),
        ..trusting(lab)
    };
    WsClient::connect(&wss(lab, "/echo"), &Recorder::default(), &options)
        .await
        .expect_err("refused")
}

#[tokio::test]
async fn trust_is_as_documented() {
    let lab = tls_lab().await;
    let dir = std::env::temp_dir().join(format!("wslab-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");

    // --ca with the lab's CA: trusted.
    let ca = dir.join("lab-ca.pem");
    std::fs::write(&ca, lab.cert().expect("tls").ca_pem()).expect("written");
    let options = ClientOptions {
        tls: TlsOptions::new(Trust::Ca(ca), None),
        ..trusting(&lab)
    };
    hello(&wss(&lab, "/echo"), &options).await;

    // --insecure: any certificate.
    let options = ClientOptions {
        tls: TlsOptions::new(Trust::Insecure, None),
        ..trusting(&lab)
    };
    hello(&wss(&lab, "/echo"), &options).await;

    // --ca with another CA (another run's): the plain unknown-issuer sentence.
    let other = dir.join("other-ca.pem");
    std::fs::write(&other, LabCert::generate().expect("made").ca_pem()).expect("written");
    let error = refused(&lab, Trust::Ca(other)).await;
    assert!(
        matches!(error, ClientError::Tls(TlsError::UnknownIssuer)),
        "{error:?}"
    );
    assert!(error.to_string().starts_with(
        "the server's certificate was issued by a CA this client does not trust (unknown issuer)"
    ));

    // A CA the lab did not use, given in memory, fails the same way; the lab's own log says
    // why the client hung up.
    let stranger = LabCert::generate().expect("made").roots();
    let error = refused(&lab, Trust::Roots(Arc::new(stranger))).await;
    assert!(
        matches!(error, ClientError::Tls(TlsError::UnknownIssuer)),
        "{error:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
    let recorder = lab.recorder().clone();
    lab.shutdown().await;
    // The lab's side of each refusal is closed with what the lab saw: the client hung up
    // mid-handshake (rustls' client does not always get its alert out before it does).
    recorder.read(|t| {
        let refused: Vec<_> = t
            .connections()
            .filter(|c| c.flow(Direction::ClientToServer).bytes == 0)
            .collect();
        assert_eq!(refused.len(), 2);
        for c in refused {
            assert!(c.closed_us.is_some());
            if let Some(error) = &c.error {
                assert!(
                    error.starts_with("the connection closed during the TLS handshake")
                        || error.starts_with("the peer refused the TLS handshake"),
                    "{error}"
                );
            }
        }
    });
}

#[tokio::test]
async fn a_client_that_stops_mid_handshake_is_let_go_with_a_reason() {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let config = LabConfig {
        tick: NEVER,
        ..LabConfig::default()
    };
    let timeouts = Timeouts {
        head: Duration::from_millis(200),
        ..Timeouts::default()
    };
    let cert = LabCert::generate().expect("made");
    let lab = Lab::start_tls(config, timeouts, Recorder::default(), cert)
        .await
        .expect("starts");
    let mut socket = tokio::net::TcpStream::connect(lab.addr())
        .await
        .expect("connects");
    // A handshake record's header, promising 512 bytes that never come.
    socket
        .write_all(&[0x16, 0x03, 0x01, 0x02, 0x00])
        .await
        .expect("written");
    let mut rest = Vec::new();
    let _ = socket.read_to_end(&mut rest).await;
    let recorder = lab.recorder().clone();
    lab.shutdown().await;
    let error = recorder.read(|t| t.connections().next().and_then(|c| c.error.clone()));
    assert_eq!(
        error.as_deref(),
        Some("the TLS handshake did not finish within 0.2 s")
    );
}

#[tokio::test]
async fn wss_to_a_plain_lab_says_it_is_not_tls() {
    let lab = crate::common::exchange::lab(NEVER).await;
    let target = url::parse(&lab.url("/echo").replace("ws://", "wss://")).expect("parses");
    let options = ClientOptions {
        tls: TlsOptions::new(Trust::Insecure, None),
        ..crate::common::exchange::options()
    };
    let error = WsClient::connect(&target, &Recorder::default(), &options)
        .await
        .expect_err("not TLS");
    assert!(
        matches!(error, ClientError::Tls(TlsError::NotTls(_))),
        "{error:?}"
    );
    lab.shutdown().await;
}

#[tokio::test]
async fn a_silent_client_of_a_tls_lab_gets_the_plain_408() {
    use tokio::io::AsyncReadExt as _;
    let config = LabConfig {
        tick: NEVER,
        ..LabConfig::default()
    };
    let timeouts = Timeouts {
        head: Duration::from_millis(200),
        ..Timeouts::default()
    };
    let cert = LabCert::generate().expect("made");
    let lab = Lab::start_tls(config, timeouts, Recorder::default(), cert)
        .await
        .expect("starts");
    let mut socket = tokio::net::TcpStream::connect(lab.addr())
        .await
        .expect("connects");
    // Nothing sent: neither TLS nor HTTP. The lab answers as a plain lab does.
    let mut answer = Vec::new();
    let _ = socket.read_to_end(&mut answer).await;
    let answer = String::from_utf8_lossy(&answer);
    assert!(
        answer.starts_with("HTTP/1.1 408 Request Timeout"),
        "{answer}"
    );
    assert!(
        answer.contains("no complete request head within 0.2 s"),
        "{answer}"
    );
    lab.shutdown().await;
}
