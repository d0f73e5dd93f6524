//! What the benchmarks report about the process itself: a leaf, so each
//! `bench` subcommand can use it without importing the `bench` dispatcher.

/// Peak resident memory of this process (VmHWM), in MB, on Linux.
pub fn peak_rss_mb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some((kb + 512) / 1024)
}

/// [`peak_rss_mb`] as printed in a result line: the number, or `?` where it
/// cannot be read.
pub fn peak_rss_text() -> String {
    peak_rss_mb().map_or_else(|| "?".to_owned(), |mb| mb.to_string())
}
