//! The startup banner of `wslab serve`: every endpoint with a URL to copy.

use std::fmt::Write as _;

use super::SavedCert;
use crate::net::lab::{HTTP_ENDPOINTS, Lab};
use crate::net::tls::LabCert;
use crate::render::style::{Palette, Role};
use crate::routes::{Endpoint, Fault};

/// What the lab serves, with URLs to copy; `more` (the TLS part) goes before the last line.
pub fn banner(lab: &Lab, more: &str, p: Palette) -> String {
    let endpoints = Endpoint::ALL
        .into_iter()
        .map(|e| (lab.url(e.path()), e.description()))
        .collect();
    let faults = Fault::ALL
        .into_iter()
        .map(|f| (lab.url(&f.path()), f.description()))
        .collect();
    let http: Vec<(String, &'static str)> = HTTP_ENDPOINTS
        .iter()
        .map(|(endpoint, what)| {
            let (method, path) = endpoint.split_once(' ').unwrap_or(("GET", endpoint));
            (format!("{method} {}", lab.http_url(path)), *what)
        })
        .collect();
    let sections = [
        ("WebSocket endpoints", endpoints),
        ("HTTP endpoints", http),
        ("Misbehaving servers", faults),
    ];
    // The URL column is as wide as the widest URL, so the descriptions line up.
    let width = sections
        .iter()
        .flat_map(|(_, rows)| rows.iter().map(|(url, _)| url.chars().count()))
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    let heading = p.paint(Role::Heading, "wslab lab listening");
    let _ = writeln!(out, "{heading} on {}", lab.addr());
    for (title, rows) in &sections {
        let _ = writeln!(out, "\n{title}");
        for (url, what) in rows {
            let _ = writeln!(out, "  {url:width$}  {}", p.paint(Role::Dim, what));
        }
        if *title == "HTTP endpoints" {
            let _ = writeln!(out, "\nOpen {} in a browser to try it.", lab.http_url("/"));
        }
    }
    if !more.is_empty() {
        out.push('\n');
        out.push_str(more);
    }
    out.push_str("\nEvery connection is shown below. Press Ctrl-C to stop.\n\n");
    out
}

/// What `--tls` adds: where the certificate is, its fingerprint, and how to use it.
pub fn tls(lab: &Lab, cert: &LabCert, saved: &SavedCert, p: Palette) -> String {
    let mut out = String::new();
    let heading = p.paint(Role::Heading, "TLS (wss:// and https://) on the same port");
    let _ = writeln!(out, "{heading}");
    let wss = lab.wss_url("/echo").unwrap_or_default();
    let https = wss.replacen("wss://", "https://", 1).replace("/echo", "/");
    let _ = writeln!(out, "  {wss}  {}", p.paint(Role::Dim, "/echo over TLS"));
    let _ = writeln!(
        out,
        "  {https}  {}",
        p.paint(Role::Dim, "the page over TLS")
    );
    let _ = writeln!(
        out,
        "  certificate for {}, SHA-256 fingerprint\n    {}",
        crate::net::tls::NAMES.join(", "),
        cert.fingerprint()
    );
    if !lab.addr().ip().is_loopback() {
        let warning = "it names only this machine: clients elsewhere will see a name mismatch";
        let _ = writeln!(out, "  {}", p.paint(Role::Bad, warning));
    }
    let _ = writeln!(
        out,
        "  signed by a CA made now, saved as {}",
        saved.ca.display()
    );
    let _ = writeln!(
        out,
        "  (the server certificate itself: {})",
        saved.cert.display()
    );
    let _ = writeln!(
        out,
        "  Try: wslab connect {wss} --ca {} --send hi --keylog keys.txt --save hi.pcap",
        saved.ca.display()
    );
    let _ = writeln!(
        out,
        "  A browser: import the CA, or start Chromium with --ignore-certificate-errors-spki-list={}",
        cert.spki_sha256()
    );
    out
}
