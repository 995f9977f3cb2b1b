//! tshark, when it is installed: reads a pcap wslab wrote and returns what it printed. Where
//! it is missing, the caller's check is skipped, and says so.

#![allow(dead_code)]

use std::process::Command;

/// Runs `tshark -r <pcap> <args>` and returns its standard output; `None`, after printing why,
/// when tshark is not installed.
pub fn read(pcap: &[u8], args: &[&str]) -> Option<String> {
    let found = Command::new("sh")
        .args(["-c", "command -v tshark"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        println!("skipped: tshark is not installed, so its reading of the pcap was not checked");
        return None;
    }
    let dir = std::env::temp_dir().join(format!(
        "wslab-tshark-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("capture.pcap");
    std::fs::write(&path, pcap).expect("written");
    let out = Command::new("tshark")
        .arg("-r")
        .arg(&path)
        .args(args)
        .output()
        .expect("tshark runs");
    let _ = std::fs::remove_dir_all(&dir);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    println!("tshark: {}", text.trim());
    Some(text)
}
