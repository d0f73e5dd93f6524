//! How long work (import, exports) reports its progress: a leaf, so import,
//! exports and jobs can all take a reporter without importing each other.

/// Reports progress of long image work: a bar on a terminal, plain lines in logs.
pub trait Progress: Send + Sync {
    /// Work on `total` images begins.
    fn start(&self, total: u64);
    /// One image (named by its path in the folder) is done.
    fn advance(&self, label: &str);
    /// All done.
    fn finish(&self);
}

/// Progress reporting that reports nothing (tests, the demo).
pub struct NoProgress;

impl Progress for NoProgress {
    fn start(&self, _total: u64) {}
    fn advance(&self, _label: &str) {}
    fn finish(&self) {}
}
