//! Helpers for the wss:// test crates: a lab serving TLS with a fresh certificate, a client
//! that trusts it, and one pinned exchange.

#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use super::exchange::{KEY, MASK, NEVER, finish, round_trip};
use tokio_tungstenite::tungstenite::Message;
use wslab::net::lab::{Lab, LabConfig, Timeouts};
use wslab::net::tls::{LabCert, TlsOptions, Trust};
use wslab::net::url::{self, WsUrl};
use wslab::net::{ClientOptions, Masking, Outgoing, Recorder, WsClient};

pub async fn tls_lab() -> Lab {
    let config = LabConfig {
        tick: NEVER,
        ..LabConfig::default()
    };
    let cert = LabCert::generate().expect("a certificate is made");
    Lab::start_tls(config, Timeouts::default(), Recorder::default(), cert)
        .await
        .expect("the lab starts")
}

pub fn trusting(lab: &Lab) -> ClientOptions {
    let roots = lab.cert().expect("a TLS lab").roots();
    ClientOptions {
        key: Some(KEY.into()),
        masking: Masking::Pinned(MASK),
        timeout: Duration::from_secs(10),
        tls: TlsOptions::new(Trust::Roots(Arc::new(roots)), None),
        ..ClientOptions::default()
    }
}

pub fn wss(lab: &Lab, path: &str) -> WsUrl {
    url::parse(&lab.wss_url(path).expect("a TLS lab")).expect("parses")
}

/// The same lab by the same name over plain ws://, so that the Host header matches.
pub fn ws_by_name(lab: &Lab, path: &str) -> WsUrl {
    let secure = lab.wss_url(path).expect("a TLS lab");
    url::parse(&secure.replacen("wss://", "ws://", 1)).expect("parses")
}

/// Sends "Hello" with the pinned mask, reads the echo, closes; returns the client's capture.
pub async fn hello(target: &WsUrl, options: &ClientOptions) -> (Recorder, WsClient) {
    let recorder = Recorder::default();
    let mut client = WsClient::connect(target, &recorder, options)
        .await
        .expect("the handshake succeeds");
    let text = Outgoing::Text("Hello".into());
    round_trip(&mut client, text, Message::text("Hello")).await;
    finish(&mut client).await;
    (recorder, client)
}
