//! What Linux's /proc says about this process: its resident memory and its room for more open
//! files. Elsewhere each answer is `None`, and the experiment says it could not measure,
//! rather than guess.

/// The process's resident set size in bytes (`VmRSS` in /proc/self/status).
pub(super) fn rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    // "VmRSS:	    2188 kB": the kernel always reports it in kB.
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    kb.checked_mul(1024)
}

/// How many more files this process may open: the soft limit on open files (`ulimit -n`)
/// less those open now.
pub(super) fn files_left() -> Option<u64> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    let soft = line.split_whitespace().nth(3)?;
    if soft == "unlimited" {
        return None;
    }
    let soft: u64 = soft.parse().ok()?;
    let open = std::fs::read_dir("/proc/self/fd").ok()?.count() as u64;
    Some(soft.saturating_sub(open))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linux_reports_both() {
        if cfg!(target_os = "linux") {
            assert!(rss_bytes().is_some_and(|b| b > 0));
            assert!(files_left().is_none_or(|n| n > 0));
        }
    }
}
