//! Thread pools, and analysis on a pool overlapped with building Python objects on the
//! calling thread.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex};

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use rayon::prelude::*;
use rayon::ThreadPool;

/// Thread pools for an explicit `threads=`, by size, made on first use.
#[derive(Default)]
pub struct Pools {
    pools: Mutex<HashMap<usize, Arc<ThreadPool>>>,
}

impl Pools {
    /// The pool of `threads` threads, or `None` for rayon's global pool (all cores).
    pub fn get(&self, threads: Option<usize>) -> PyResult<Option<Arc<ThreadPool>>> {
        let Some(n) = threads else {
            return Ok(None);
        };
        if n == 0 {
            return Err(PyValueError::new_err(
                "threads: must be at least 1 (or None for all cores)",
            ));
        }
        let mut pools = self.pools.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(p) = pools.get(&n) {
            return Ok(Some(Arc::clone(p)));
        }
        let p = rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .thread_name(|i| format!("xinsheng-{i}"))
            .build()
            .map_err(|e| PyValueError::new_err(format!("threads={n}: {e}")))?;
        let p = Arc::new(p);
        pools.insert(n, Arc::clone(&p));
        Ok(Some(p))
    }
}

/// Runs `f` on `pool` (rayon's global pool for `None`).
pub fn install<T: Send>(pool: Option<&ThreadPool>, f: impl FnOnce() -> T + Send) -> T {
    match pool {
        Some(p) => p.install(f),
        None => f(),
    }
}

/// Items per chunk for `n` items on `pool`: at most `max`, and small enough that every
/// thread of the pool gets a chunk.
pub fn chunk_len(n: usize, pool: Option<&ThreadPool>, max: usize) -> usize {
    let threads = pool.map_or_else(rayon::current_num_threads, |p| p.current_num_threads());
    n.div_ceil(threads.max(1)).clamp(1, max.max(1))
}

/// Chunks the pool may analyze ahead of the conversion (32 chunks of 256 texts): bounds
/// the analyses waiting for the calling thread when the pool is faster than it.
const AHEAD_CHUNKS: usize = 32;

/// How far the pool may run ahead of the conversion.
struct Window {
    /// Chunks converted so far (`usize::MAX`: stop).
    converted: Mutex<usize>,
    moved: Condvar,
    ahead: usize,
}

impl Window {
    fn new(ahead: usize) -> Window {
        Window {
            converted: Mutex::new(0),
            moved: Condvar::new(),
            ahead,
        }
    }

    /// Waits until chunk `k` is within the window; false when told to stop.
    fn admit(&self, k: usize) -> bool {
        let mut converted = self.converted.lock().unwrap_or_else(|p| p.into_inner());
        while k >= converted.saturating_add(self.ahead) {
            converted = self
                .moved
                .wait(converted)
                .unwrap_or_else(|p| p.into_inner());
        }
        *converted != usize::MAX
    }

    /// `converted` chunks are converted (`usize::MAX`: stop).
    fn advance(&self, converted: usize) {
        *self.converted.lock().unwrap_or_else(|p| p.into_inner()) = converted;
        self.moved.notify_all();
    }
}

/// Runs `analyze` on every chunk on `pool`, without the GIL, and hands the results to
/// `take` on the calling thread, with the GIL, in chunk order.
///
/// `analyze` must work sequentially (no rayon inside): a pool thread waiting inside a
/// rayon join could pick up another thread's chunk loop and hold its own chunk back.
///
/// The pool's threads take chunks in order from a shared counter and send each result
/// as soon as it is done; the calling thread turns chunk k into Python objects while
/// the pool analyzes the following ones. Nothing waits for a hand-over: the pool waits
/// for the calling thread only when [`AHEAD_CHUNKS`] chunks are waiting for it, and the
/// calling thread waits (GIL released) only when it has converted everything analyzed
/// so far. Results done out of order wait in a small reorder buffer.
/// After an error from `take` the pool starts no new chunk and the error is returned.
pub fn overlapped<C, T, A, F>(
    py: Python<'_>,
    pool: Option<&ThreadPool>,
    chunks: &[C],
    analyze: A,
    mut take: F,
) -> PyResult<()>
where
    C: Sync,
    T: Send,
    A: Fn(&C) -> Vec<T> + Sync,
    F: FnMut(Vec<T>) -> PyResult<()>,
{
    if chunks.len() <= 1 {
        for chunk in chunks {
            let results = py.detach(|| analyze(chunk));
            take(results)?;
        }
        return Ok(());
    }
    let next = AtomicUsize::new(0);
    // Each pool thread takes the next chunk until none is left, and sends its result.
    let work = |tx: mpsc::Sender<(usize, Vec<T>)>, window: &Window| {
        let workers = rayon::current_num_threads().min(chunks.len());
        (0..workers).into_par_iter().for_each(|_| loop {
            let k = next.fetch_add(1, Ordering::Relaxed);
            let Some(chunk) = chunks.get(k) else { break };
            if !window.admit(k) || tx.send((k, analyze(chunk))).is_err() {
                break;
            }
        });
    };
    let (tx, rx) = mpsc::channel();
    let window = Window::new(AHEAD_CHUNKS);
    std::thread::scope(|scope| -> PyResult<()> {
        let producer = std::thread::Builder::new()
            .name("xinsheng-analyze".into())
            .spawn_scoped(scope, || install(pool, || work(tx, &window)));
        let Ok(producer) = producer else {
            // No thread to spare: analyze everything, then convert.
            let (tx, rx) = mpsc::channel();
            py.detach(|| install(pool, || work(tx, &Window::new(usize::MAX))));
            return receive(py, &Mutex::new(rx), chunks.len(), &window, &mut take);
        };
        let rx = Mutex::new(rx);
        let received = receive(py, &rx, chunks.len(), &window, &mut take);
        if received.is_err() {
            next.store(chunks.len(), Ordering::Relaxed);
        }
        window.advance(usize::MAX);
        drop(rx);
        let joined = py.detach(|| producer.join());
        joined.unwrap_or_else(|p| std::panic::resume_unwind(p));
        received
    })
}

/// Receives `n` chunk results and hands them to `take` in chunk order.
fn receive<T>(
    py: Python<'_>,
    rx: &Mutex<mpsc::Receiver<(usize, Vec<T>)>>,
    n: usize,
    window: &Window,
    take: &mut impl FnMut(Vec<T>) -> PyResult<()>,
) -> PyResult<()>
where
    T: Send,
{
    // Only this thread receives: the lock (which lets the wait run without the GIL) is
    // never contended.
    let rx = || rx.lock().unwrap_or_else(|p| p.into_inner());
    let mut early = BTreeMap::new();
    let mut want = 0;
    while want < n {
        let ready = rx().try_recv();
        let got = match ready {
            Ok(got) => got,
            Err(_) => match py.detach(|| rx().recv()) {
                Ok(got) => got,
                // The pool stopped (a panic, joined by the caller).
                Err(_) => return Ok(()),
            },
        };
        early.insert(got.0, got.1);
        while let Some(results) = early.remove(&want) {
            take(results)?;
            want += 1;
            window.advance(want);
        }
    }
    Ok(())
}
