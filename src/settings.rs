//! Settings in layers: defaults < TOML file < `VITRINE_*` environment < flags.

/// Validated settings.
#[derive(Clone, Debug)]
pub struct Settings {}
