//! The `http` action: requests to the lab over the tapped HTTP client.

use bytes::Bytes;

use super::{ActionRun, Runner};
use crate::lesson::model::{HeaderSet, Http, Method};
use crate::net::http_client::{self, HttpClient, Request};

pub(super) async fn run(runner: &Runner, a: &Http) -> ActionRun {
    let mut run = ActionRun::default();
    let mut headers = match a.headers {
        HeaderSet::Browser => http_client::HeaderSet::browser(),
        HeaderSet::Minimal => http_client::HeaderSet::minimal(),
    };
    for line in &a.header {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        headers = match headers.with(name.trim(), value.trim()) {
            Ok(h) => h,
            Err(e) => {
                run.error = Some(e.to_string());
                return run;
            }
        };
    }
    let options = http_client::ClientOptions {
        keep_alive: a.keep_alive,
        headers,
        timeout: runner.settings.timeout,
        label: "client".to_owned(),
        ..http_client::ClientOptions::default()
    };
    let mut client = HttpClient::new(runner.lab_addr(), runner.recorder.clone(), options);
    let body = Bytes::from(a.body.clone().unwrap_or_default().into_bytes());
    for _ in 0..a.repeat {
        let request = Request {
            method: match a.method {
                Method::Get => hyper::Method::GET,
                Method::Post => hyper::Method::POST,
                Method::Head => hyper::Method::HEAD,
            },
            target: a.path.clone(),
            body: body.clone(),
        };
        if let Err(e) = client.request(request).await {
            run.error = Some(e.to_string());
            break;
        }
    }
    run
}
