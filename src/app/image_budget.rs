//! One memory budget for all image work in this process: uploads, imports
//! and the WebP job. Each image is admitted for its estimated peak
//! ([`vitrine_media::peak_memory`], from the header, before any decoding),
//! in MiB, against `images.memory_mb`; an estimate above the whole budget is
//! counted as the whole budget, so such an image runs alone rather than
//! never. At most one image per CPU core is processed at once, whatever the
//! budget, since more would only share the same cores.
//!
//! Work that nobody waits for in a browser (an import, the WebP job) waits
//! for room as long as it takes; an upload waits a bounded time and is then
//! refused as busy, with nothing stored, so the person can try again.

use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

const MIB: u64 = 1024 * 1024;

/// How long an upload waits for room before it is refused as busy: long
/// enough to ride out a few large images ahead of it, short enough that the
/// person is not left at a spinner.
pub const UPLOAD_WAIT: Duration = Duration::from_secs(30);

/// The process-wide budget, shared by every clone of [`crate::app::App`].
#[derive(Clone, Debug)]
pub struct ImageBudget {
    memory: Arc<Semaphore>,
    memory_mib: u32,
    slots: Arc<Semaphore>,
    upload_wait: Duration,
}

/// Room for one image, given back when dropped.
#[derive(Debug)]
#[must_use = "the room is given back as soon as this is dropped"]
pub struct Admitted {
    _slot: OwnedSemaphorePermit,
    _memory: OwnedSemaphorePermit,
}

/// No room came free in time.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error(
    "the server is busy processing other images; nothing was saved from this file, please try \
     it again in a minute"
)]
pub struct Busy;

impl ImageBudget {
    /// A budget of `memory_mib` MiB for at most `slots` images at once.
    pub fn new(memory_mib: u32, slots: usize) -> Self {
        let memory_mib = memory_mib.max(1);
        Self {
            memory: Arc::new(Semaphore::new(memory_mib as usize)),
            memory_mib,
            slots: Arc::new(Semaphore::new(slots.max(1))),
            upload_wait: UPLOAD_WAIT,
        }
    }

    /// The same budget with uploads waiting `wait` instead of
    /// [`UPLOAD_WAIT`] (tests shorten it).
    pub fn with_upload_wait(self, wait: Duration) -> Self {
        Self {
            upload_wait: wait,
            ..self
        }
    }

    /// How long an upload waits for room.
    pub fn upload_wait(&self) -> Duration {
        self.upload_wait
    }

    /// A budget of `memory_mib` MiB and one slot per CPU core.
    pub fn for_this_machine(memory_mib: u32) -> Self {
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
        Self::new(memory_mib, cores)
    }

    /// The MiB an estimate of `bytes` takes from the budget: rounded up,
    /// at least 1, at most the whole budget.
    pub fn mib_for(&self, bytes: u64) -> u32 {
        u32::try_from(bytes.div_ceil(MIB))
            .unwrap_or(u32::MAX)
            .clamp(1, self.memory_mib)
    }

    /// Waits for a slot and for room for `bytes`, at most `wait` if given.
    ///
    /// # Errors
    /// [`Busy`] when `wait` runs out first.
    pub async fn admit(&self, bytes: u64, wait: Option<Duration>) -> Result<Admitted, Busy> {
        let mib = self.mib_for(bytes);
        let acquire = async {
            // Slot first, then memory, always in that order, so two images
            // never hold one each while waiting for the other.
            let slot = self.slots.clone().acquire_owned().await.map_err(|_| Busy)?;
            let memory = self
                .memory
                .clone()
                .acquire_many_owned(mib)
                .await
                .map_err(|_| Busy)?;
            Ok(Admitted {
                _slot: slot,
                _memory: memory,
            })
        };
        match wait {
            None => acquire.await,
            Some(limit) => tokio::time::timeout(limit, acquire)
                .await
                .unwrap_or(Err(Busy)),
        }
    }

    /// MiB not taken by any image right now.
    pub fn available_mib(&self) -> usize {
        self.memory.available_permits()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn estimates_are_rounded_up_and_clamped_to_the_budget() {
        let budget = ImageBudget::new(100, 2);
        assert_eq!(budget.mib_for(0), 1);
        assert_eq!(budget.mib_for(MIB + 1), 2);
        assert_eq!(budget.mib_for(10_000 * MIB), 100);
    }

    #[tokio::test]
    async fn an_image_waits_for_room_and_gets_it_when_another_finishes() {
        let budget = ImageBudget::new(100, 4);
        let first = budget.admit(80 * MIB, None).await.unwrap();
        let short = Some(Duration::from_millis(50));
        assert_eq!(budget.admit(30 * MIB, short).await.unwrap_err(), Busy);
        // An estimate above the budget is the whole budget, not a refusal.
        drop(first);
        let whole = budget.admit(500 * MIB, short).await.unwrap();
        assert_eq!(budget.available_mib(), 0);
        drop(whole);
        assert_eq!(budget.available_mib(), 100);
    }

    #[tokio::test]
    async fn images_beyond_the_slots_wait_however_small() {
        let budget = ImageBudget::new(100, 1);
        let _first = budget.admit(MIB, None).await.unwrap();
        let short = Some(Duration::from_millis(50));
        assert_eq!(budget.admit(MIB, short).await.unwrap_err(), Busy);
    }
}
