//! Progress on the terminal: a bar when stderr is a terminal, plain lines when
//! it is not (CI logs, pipes), so long image work never looks stuck.

use crate::app::progress::Progress;
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};

/// A progress reporter for the terminal.
pub struct TerminalProgress {
    /// What the bar says it is doing, and what it counts.
    label: &'static str,
    unit: &'static str,
    /// In plain lines, print every item (images take seconds each) or only
    /// every tenth of the way (thousands of small files).
    every_item: bool,
    bar: Option<ProgressBar>,
    total: AtomicU64,
    done: AtomicU64,
}

impl TerminalProgress {
    /// A bar on a terminal, plain lines otherwise, for image work.
    pub fn new() -> Self {
        Self::labelled("Processing images", "image(s)", true)
    }

    /// Progress of `label` over a number of `unit`s; `every_item` prints
    /// a plain line per item when stderr is not a terminal, else one line
    /// per tenth.
    pub fn labelled(label: &'static str, unit: &'static str, every_item: bool) -> Self {
        Self {
            label,
            unit,
            every_item,
            bar: std::io::stderr().is_terminal().then(ProgressBar::hidden),
            total: 0.into(),
            done: 0.into(),
        }
    }
}

impl Progress for TerminalProgress {
    fn start(&self, total: u64) {
        self.total.store(total, Ordering::Relaxed);
        if let Some(bar) = &self.bar {
            bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            bar.set_length(total);
            let style = ProgressStyle::with_template("{prefix} [{bar:30}] {pos}/{len} {wide_msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> ");
            bar.set_style(style);
            bar.set_prefix(self.label);
        } else if total > 0 {
            eprintln!("{}: {total} {}", self.label, self.unit);
        }
    }

    fn advance(&self, label: &str) {
        let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        match &self.bar {
            Some(bar) => {
                bar.set_message(label.to_owned());
                bar.inc(1);
            }
            None => {
                let total = self.total.load(Ordering::Relaxed);
                let tenth = (total / 10).max(1);
                if self.every_item {
                    eprintln!("  [{done}/{total}] {label}");
                } else if done.is_multiple_of(tenth) || done == total {
                    eprintln!("  [{done}/{total}]");
                }
            }
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
