//! Progress reporting hook. The library never prints: long phases report
//! through this trait, and the command line turns that into a progress bar.

/// Receives progress of a long-running phase; called from worker threads too.
pub trait Progress: Sync {
    /// A phase starts; `total` is its number of steps, if known.
    fn start(&self, phase: &str, total: Option<u64>);
    /// `steps` more steps of the current phase are done.
    fn advance(&self, steps: u64);
    /// The current phase is done.
    fn finish(&self);
}

/// Reports nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn start(&self, _phase: &str, _total: Option<u64>) {}
    fn advance(&self, _steps: u64) {}
    fn finish(&self) {}
}
