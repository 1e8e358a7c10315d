//! The whole tool on generated configs: parse, include, resolve, every rule, JSON output.
//! Run: `cargo bench --bench pipeline` (optionally `-- 100000` for the number of phones).
//! Prints, for a typical 10 KB config and for N/10 and N phones, the best of several runs, the
//! throughput, how time grows with size (issue 8: 10x the input in at most 12x the time), and the
//! peak memory of the process against the largest input (issue 8: under 8x). The figures in the
//! README come from here. The machine is shared: take the best of a few runs of the bench.

use std::path::Path;
use std::time::{Duration, Instant};

use pjsiplint::report::json;
use pjsiplint::{generate, lint_path, Linted, Settings};

/// The allocator the binary uses (src/main.rs).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    pjsiplint::allocator::purge_freed_memory_at_once();
    let phones: usize = std::env::args()
        .skip(1)
        .find_map(|arg| arg.parse().ok())
        .unwrap_or(100_000);
    let dir = std::env::temp_dir().join(format!("pjsiplint-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // A typical small config (about 10 KB): what a pre-commit hook lints.
    let small = generate::config(40, 2);
    let small_dir = dir.join("small");
    std::fs::create_dir_all(&small_dir).unwrap();
    std::fs::write(small_dir.join("pjsip.conf"), &small.root).unwrap();
    std::fs::write(small_dir.join("phones.conf"), &small.phones).unwrap();
    let best = best_of(50, || run(&small_dir.join("pjsip.conf")));
    println!(
        "{:>7} phones, {:>6.1} KB: best {:>7.2} ms",
        40,
        (small.root.len() + small.phones.len()) as f64 / 1e3,
        best.as_secs_f64() * 1e3
    );
    let mut times = Vec::new();
    let mut largest = 0;
    for count in [phones / 10, phones] {
        let generated = generate::config(count, 20);
        std::fs::write(dir.join("pjsip.conf"), &generated.root).unwrap();
        std::fs::write(dir.join("phones.conf"), &generated.phones).unwrap();
        let bytes = generated.root.len() + generated.phones.len();
        // The generator's copy is not part of the tool's memory.
        drop(generated);
        let best = best_of(5, || run(&dir.join("pjsip.conf")));
        times.push((bytes, best));
        largest = largest.max(bytes);
        println!(
            "{count:>7} phones, {:>6.1} MB: best {:>7.1} ms, {:>6.1} MB/s",
            bytes as f64 / 1e6,
            best.as_secs_f64() * 1e3,
            bytes as f64 / 1e6 / best.as_secs_f64()
        );
    }
    if let [(small_bytes, small_time), (large_bytes, large_time)] = times[..] {
        println!(
            "growth: {:.1}x the input in {:.1}x the time",
            large_bytes as f64 / small_bytes as f64,
            large_time.as_secs_f64() / small_time.as_secs_f64()
        );
    }
    let peak = peak_rss_kb();
    // In MB (10^6 bytes) like the input sizes above.
    let peak_bytes = peak as f64 * 1024.0;
    println!(
        "peak memory (VmHWM): {:.1} MB, {:.1}x the largest input",
        peak_bytes / 1e6,
        peak_bytes / largest.max(1) as f64
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Lints and writes the JSON report; the result is freed after the clock stops, as the binary
/// exits without freeing it (src/main.rs).
fn run(path: &Path) -> (Linted, usize) {
    let linted = lint_path(path, &Settings::default()).unwrap();
    let entries: Vec<_> = json::entries(&linted.config, &linted.diagnostics).collect();
    let written = serde_json::to_string(&entries).unwrap().len();
    (linted, written)
}

fn best_of<T>(rounds: usize, mut f: impl FnMut() -> T) -> Duration {
    (0..rounds)
        .map(|_| {
            let start = Instant::now();
            let result = std::hint::black_box(f());
            let elapsed = start.elapsed();
            drop(result);
            elapsed
        })
        .min()
        .unwrap_or_default()
}

fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|line| line.starts_with("VmHWM:"))
                .and_then(|line| line.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}
