//! Thread pools, and analysis on a pool overlapped with building Python objects on the
//! calling thread.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex, OnceLock};

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use rayon::prelude::*;
use rayon::ThreadPool;

use crate::gcpause::GcPause;

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
/// the analyses waiting for the calling thread when the pool is faster than it, and the
/// inputs the calling thread prepares ahead of the pool.
const AHEAD_CHUNKS: usize = 32;

/// How far the pool may run: to the chunks the calling thread has prepared, and at most
/// `ahead` chunks past the ones it has converted.
struct Window {
    state: Mutex<Progress>,
    moved: Condvar,
    ahead: usize,
}

/// The calling thread's progress, which the pool waits on.
#[derive(Default)]
struct Progress {
    /// Chunks whose inputs are ready for the pool.
    prepared: usize,
    /// Chunks turned into Python objects.
    converted: usize,
    /// No more chunks are wanted (an error, or the end).
    stopped: bool,
}

impl Window {
    fn new(ahead: usize) -> Window {
        Window {
            state: Mutex::new(Progress::default()),
            moved: Condvar::new(),
            ahead,
        }
    }

    /// Waits until chunk `k` is prepared and within the window; false when told to stop.
    fn admit(&self, k: usize) -> bool {
        let mut p = self.state.lock().unwrap_or_else(|p| p.into_inner());
        while !p.stopped && (k >= p.prepared || k >= p.converted.saturating_add(self.ahead)) {
            p = self.moved.wait(p).unwrap_or_else(|p| p.into_inner());
        }
        !p.stopped
    }

    /// Records the calling thread's progress and wakes the pool.
    fn update(&self, f: impl FnOnce(&mut Progress)) {
        f(&mut self.state.lock().unwrap_or_else(|p| p.into_inner()));
        self.moved.notify_all();
    }
}

/// The inputs of a batch, chunk by chunk: each made once on the calling thread (with the
/// GIL) and read by the pool.
struct Slots<'p, C, P> {
    slots: &'p [OnceLock<C>],
    prepare: &'p mut P,
    /// Chunks made so far.
    made: usize,
}

impl<C, P: FnMut(usize) -> PyResult<C>> Slots<'_, C, P> {
    /// Makes the next chunk's inputs and lets the pool have them.
    fn make_next(&mut self, window: &Window) -> PyResult<()> {
        let k = self.made;
        let chunk = (self.prepare)(k)?;
        // Each chunk is made once, here: the slot is empty.
        let _ = self.slots[k].set(chunk);
        self.made += 1;
        window.update(|p| p.prepared = k + 1);
        Ok(())
    }
}

/// Runs `analyze` on every chunk on `pool`, without the GIL, and hands the results to
/// `take` on the calling thread, with the GIL, in chunk order.
///
/// `prepare(k)` makes chunk `k`'s inputs on the calling thread (reading Python objects
/// needs the GIL); `analyze` must work sequentially (no rayon inside): a pool thread
/// waiting inside a rayon join could pick up another thread's chunk loop and hold its
/// own chunk back.
///
/// The calling thread prepares chunks a few ahead of the pool, so the pool starts on
/// the first chunk at once rather than after the whole input is read. The pool's
/// threads take chunks in order from a shared counter and send each result as soon as
/// it is done; the calling thread turns chunk k into Python objects while the pool
/// analyzes the following ones. The pool waits for the calling thread only when
/// [`AHEAD_CHUNKS`] chunks are waiting for it, and the calling thread waits (GIL
/// released) only when it has converted everything analyzed so far and prepared all it
/// may. Results done out of order wait in a small reorder buffer.
/// After an error from `prepare` or `take` the pool starts no new chunk and the error
/// is returned. Python's garbage collector is paused meanwhile ([`GcPause`]).
pub fn overlapped<C, T, P, A, F>(
    py: Python<'_>,
    pool: Option<&ThreadPool>,
    n: usize,
    mut prepare: P,
    analyze: A,
    mut take: F,
) -> PyResult<()>
where
    C: Send + Sync,
    T: Send,
    P: FnMut(usize) -> PyResult<C>,
    A: Fn(&C) -> Vec<T> + Sync,
    F: FnMut(Vec<T>) -> PyResult<()>,
{
    let _paused = GcPause::new(py)?;
    if n <= 1 {
        for k in 0..n {
            let chunk = prepare(k)?;
            let results = py.detach(|| analyze(&chunk));
            take(results)?;
        }
        return Ok(());
    }
    let inputs: Vec<OnceLock<C>> = (0..n).map(|_| OnceLock::new()).collect();
    let mut slots = Slots {
        slots: &inputs,
        prepare: &mut prepare,
        made: 0,
    };
    let next = AtomicUsize::new(0);
    // Each pool thread takes the next chunk until none is left, and sends its result.
    let work = |tx: mpsc::Sender<(usize, Vec<T>)>, window: &Window| {
        let workers = rayon::current_num_threads().min(n);
        (0..workers).into_par_iter().for_each(|_| loop {
            let k = next.fetch_add(1, Ordering::Relaxed);
            if k >= n || !window.admit(k) {
                break;
            }
            let Some(chunk) = inputs[k].get() else { break };
            if tx.send((k, analyze(chunk))).is_err() {
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
            // No thread to spare: prepare and analyze everything, then convert.
            let all = Window::new(usize::MAX);
            while slots.made < n {
                slots.make_next(&all)?;
            }
            let (tx, rx) = mpsc::channel();
            py.detach(|| install(pool, || work(tx, &all)));
            return receive(py, &Mutex::new(rx), &mut slots, &all, &mut take);
        };
        let rx = Mutex::new(rx);
        let received = receive(py, &rx, &mut slots, &window, &mut take);
        if received.is_err() {
            next.store(n, Ordering::Relaxed);
        }
        window.update(|p| p.stopped = true);
        drop(rx);
        let joined = py.detach(|| producer.join());
        joined.unwrap_or_else(|p| std::panic::resume_unwind(p));
        received
    })
}

/// Prepares chunks as the window allows, and receives the chunk results and hands them
/// to `take` in chunk order.
fn receive<C, T, P>(
    py: Python<'_>,
    rx: &Mutex<mpsc::Receiver<(usize, Vec<T>)>>,
    slots: &mut Slots<'_, C, P>,
    window: &Window,
    take: &mut impl FnMut(Vec<T>) -> PyResult<()>,
) -> PyResult<()>
where
    T: Send,
    P: FnMut(usize) -> PyResult<C>,
{
    // Only this thread receives: the lock (which lets the wait run without the GIL) is
    // never contended.
    let rx = || rx.lock().unwrap_or_else(|p| p.into_inner());
    let n = slots.slots.len();
    let mut early = BTreeMap::new();
    let mut want = 0;
    while want < n {
        let may_prepare = n.min(want.saturating_add(window.ahead));
        let got = if slots.made < may_prepare {
            slots.make_next(window)?;
            match rx().try_recv() {
                Ok(got) => got,
                Err(_) => continue,
            }
        } else {
            let ready = rx().try_recv();
            match ready {
                Ok(got) => got,
                Err(_) => match py.detach(|| rx().recv()) {
                    Ok(got) => got,
                    // The pool stopped (a panic, joined by the caller).
                    Err(_) => return Ok(()),
                },
            }
        };
        early.insert(got.0, got.1);
        while let Some(results) = early.remove(&want) {
            take(results)?;
            want += 1;
            window.update(|p| p.converted = want);
        }
    }
    Ok(())
}
