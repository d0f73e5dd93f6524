//! argon2id off the async runtime, a few at a time, and a cap on sign-ins in
//! progress.
//!
//! One hash takes tens of milliseconds of CPU and 19 MiB of memory. Run inside
//! a handler it stalls the runtime thread, so a burst of sign-ins delayed
//! every public page and `/healthz` by seconds and grew the process by
//! hundreds of megabytes. Here each hash runs on one of [`AT_ONCE`] hashing
//! threads of its own, which keep their 19 MiB of argon2 memory from one hash
//! to the next: allocated afresh on ever-changing blocking-pool threads, that
//! memory stayed with the allocator, and a flood of 70 checked sign-ins left
//! the server at 1.2 GB. And since each sign-in also uses a
//! database connection, which public pages need too, at most
//! [`SIGN_INS_AT_ONCE`] sign-ins are worked on at once; up to [`WAITING`] more
//! wait their turn and any beyond are told at once that sign-in is busy. So a
//! flood costs a bounded amount of CPU, memory and connections, and never
//! the runtime.

use argon2::password_hash::{Output, PasswordHash, PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use std::cell::RefCell;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, LazyLock, Mutex};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, oneshot};

/// Password hashes computed at once (each ~19 MiB while it runs).
pub const AT_ONCE: usize = 2;
/// Sign-ins worked on at once (throttle, account lookup, hash).
pub const SIGN_INS_AT_ONCE: usize = 4;
/// Sign-ins that may wait for their turn; more are refused as busy.
pub const WAITING: usize = 64;

/// Too many password checks are already waiting.
#[derive(Debug, thiserror::Error)]
#[error("too many sign-ins are being checked at the moment")]
pub struct Busy;

struct Pool {
    permits: Arc<Semaphore>,
    sign_ins: Arc<Semaphore>,
    waiting: AtomicUsize,
    running: AtomicUsize,
}

static POOL: LazyLock<Pool> = LazyLock::new(|| Pool {
    permits: Arc::new(Semaphore::new(AT_ONCE)),
    sign_ins: Arc::new(Semaphore::new(SIGN_INS_AT_ONCE)),
    waiting: AtomicUsize::new(0),
    running: AtomicUsize::new(0),
});

/// A sign-in's turn; the next waiting one goes when it is dropped.
pub struct Turn(#[expect(dead_code, reason = "held for its Drop")] OwnedSemaphorePermit);

/// Waits for a sign-in's turn behind at most [`WAITING`] others; [`Busy`]
/// at once when more are waiting.
pub async fn admit() -> Result<Turn, Busy> {
    let (_waiting, ahead) = Counted::new(&POOL.waiting);
    if ahead >= WAITING {
        return Err(Busy);
    }
    Arc::clone(&POOL.sign_ins)
        .acquire_owned()
        .await
        .map(Turn)
        .map_err(|_| Busy)
}

/// Decrements a counter when dropped, so a request that is abandoned while it
/// waits (the client went away) leaves the counts right.
struct Counted(&'static AtomicUsize);

impl Counted {
    fn new(counter: &'static AtomicUsize) -> (Self, usize) {
        let before = counter.fetch_add(1, Ordering::SeqCst);
        (Self(counter), before)
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// How many password hashes are running now (never more than [`AT_ONCE`]).
pub fn running() -> usize {
    POOL.running.load(Ordering::SeqCst)
}

/// A piece of hashing work for the hashing threads.
type Job = Box<dyn FnOnce() + Send>;

/// The queue of the [`AT_ONCE`] hashing threads, started on first use. They
/// live as long as the process, so each keeps its argon2 memory ([`MEMORY`]).
static HASHERS: LazyLock<Mutex<Sender<Job>>> = LazyLock::new(|| {
    let (sender, receiver) = channel::<Job>();
    let receiver = Arc::new(Mutex::new(receiver));
    for n in 0..AT_ONCE {
        let receiver = Arc::clone(&receiver);
        let started = std::thread::Builder::new()
            .name(format!("vitrine-hash-{n}"))
            .spawn(move || hash_jobs(&receiver));
        if let Err(error) = started {
            tracing::error!(%error, "cannot start a password hashing thread");
        }
    }
    Mutex::new(sender)
});

/// How much lower than the rest of the server the hashing threads run
/// (a nice value: 10 gives them about a tenth of a core's share against a
/// thread at 0), so a flood of sign-ins uses the CPU only when pages and the
/// workspace leave it idle.
pub const NICENESS: i32 = 10;

/// Lowers the calling thread's scheduling priority by [`NICENESS`]. On Linux
/// the nice value belongs to the thread, so only the hashing threads are
/// affected; elsewhere it would lower the whole server, so nothing is done.
fn lower_own_priority() {
    #[cfg(target_os = "linux")]
    {
        let thread = Some(rustix::thread::gettid());
        if let Err(error) = rustix::process::setpriority_process(thread, own_niceness() + NICENESS)
        {
            tracing::warn!(%error, "cannot lower a password hashing thread's priority");
        }
    }
}

/// The calling thread's nice value (Linux), 0 when it cannot be read.
#[cfg(target_os = "linux")]
fn own_niceness() -> i32 {
    rustix::process::getpriority_process(Some(rustix::thread::gettid())).unwrap_or(0)
}

/// The nice values of the calling thread and of a hashing thread (Linux),
/// for tests.
#[cfg(all(target_os = "linux", feature = "test-support"))]
pub async fn niceness() -> Result<(i32, i32), Busy> {
    Ok((own_niceness(), run(own_niceness).await?))
}

/// A hashing thread's loop: the next job, until the queue is gone.
fn hash_jobs(receiver: &Mutex<Receiver<Job>>) {
    lower_own_priority();
    loop {
        let job = match receiver.lock() {
            Ok(queue) => queue.recv(),
            Err(_) => return,
        };
        match job {
            Ok(job) => job(),
            Err(_) => return,
        }
    }
}

/// Runs `work` on a hashing thread once a hashing permit is free.
async fn run<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, Busy> {
    let permit = Arc::clone(&POOL.permits)
        .acquire_owned()
        .await
        .map_err(|_| Busy)?;
    let (done, result) = oneshot::channel();
    // The permit moves into the job, so it is held until the hash is really
    // done even if this request is abandoned meanwhile.
    let job: Job = Box::new(move || {
        let _permit = permit;
        let _running = Counted::new(&POOL.running).0;
        let _ = done.send(work());
    });
    HASHERS
        .lock()
        .map_err(|_| Busy)?
        .send(job)
        .map_err(|_| Busy)?;
    result.await.map_err(|_| Busy)
}

thread_local! {
    /// A hashing thread's argon2 memory, reused by every hash it runs.
    static MEMORY: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

fn argon2() -> Argon2<'static> {
    // OWASP's argon2id minimum: 19 MiB, 2 iterations, 1 lane.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

fn hash_now(password: &str) -> anyhow::Result<String> {
    let mut salt = [0_u8; 16];
    getrandom::fill(&mut salt).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| anyhow::anyhow!("salt: {e}"))?;
    Ok(argon2()
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| anyhow::anyhow!("cannot hash the password: {e}"))?
        .to_string())
}

/// Whether `password` matches the PHC string `hash`, computed in this
/// thread's reused [`MEMORY`] (what argon2's own `verify_password` does, but
/// without allocating 19 MiB afresh each time).
fn verify_now(password: &str, hash: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return false;
    };
    let (Ok(algorithm), Ok(params)) = (
        Algorithm::try_from(parsed.algorithm),
        Params::try_from(&parsed),
    ) else {
        return false;
    };
    let Ok(version) = parsed.version.map(Version::try_from).transpose() else {
        return false;
    };
    let mut salt_bytes = [0_u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    let blocks = params.block_count();
    let argon2 = Argon2::new(algorithm, version.unwrap_or_default(), params);
    let mut out = vec![0_u8; expected.len()];
    let hashed = MEMORY.with_borrow_mut(|memory| {
        memory.resize(blocks, Block::default());
        argon2.hash_password_into_with_memory(password.as_bytes(), salt, &mut out, &mut memory[..])
    });
    // `Output`'s equality is constant-time.
    hashed.is_ok() && Output::new(&out).is_ok_and(|out| out == expected)
}

/// A hash of no real password, checked when the account does not exist so a
/// wrong e-mail takes as long to refuse as a wrong password.
fn decoy_hash() -> &'static str {
    static DECOY: LazyLock<String> =
        LazyLock::new(|| hash_now("decoy password that nobody has").unwrap_or_default());
    &DECOY
}

/// Hashes a password with argon2id and a random salt (PHC string).
pub async fn hash_password(password: &str) -> anyhow::Result<String> {
    let password = password.to_owned();
    run(move || hash_now(&password)).await?
}

/// Whether `password` matches `hash`; with no hash (no such account), checks
/// a decoy so the answer takes as long. [`Busy`] only if the hash could not
/// run (the runtime is shutting down).
pub async fn verify_password(password: &str, hash: Option<String>) -> Result<bool, Busy> {
    let password = password.to_owned();
    run(move || match hash {
        Some(hash) => verify_now(&password, &hash),
        None => {
            verify_now(&password, decoy_hash());
            false
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let hash = hash_password("a long enough passphrase").await.unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(
            verify_password("a long enough passphrase", Some(hash.clone()))
                .await
                .unwrap()
        );
        assert!(
            !verify_password("another passphrase", Some(hash))
                .await
                .unwrap()
        );
        assert!(!verify_password("anything", None).await.unwrap());
        assert!(
            !verify_password("x", Some("not a hash".into()))
                .await
                .unwrap()
        );
    }
}
