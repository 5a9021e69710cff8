//! Resident memory of this process (`VmRSS` in `/proc/self/status`).

/// `VmRSS` in KiB, or `None` off Linux.
pub fn vm_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    parse_vm_rss(&status)
}

fn parse_vm_rss(status: &str) -> Option<u64> {
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::parse_vm_rss;

    #[test]
    fn reads_the_vm_rss_line() {
        let cases = [
            (
                "normal",
                "VmPeak:\t  10 kB\nVmRSS:\t   5120 kB\nVmData: 1 kB\n",
                Some(5120),
            ),
            ("missing", "VmPeak:\t  10 kB\n", None),
            ("garbled", "VmRSS:\t lots kB\n", None),
        ];
        for (name, status, want) in cases {
            assert_eq!(parse_vm_rss(status), want, "{name}");
        }
    }

    #[test]
    fn this_process_has_a_resident_set() {
        if cfg!(target_os = "linux") {
            assert!(super::vm_rss_kib().is_some_and(|k| k > 0));
        }
    }
}
