//! The whole tool on generated configs: parse, include, resolve, every rule, JSON output.
//! Run: `cargo bench --bench pipeline` (optionally `-- 100000` for the number of phones).
//! Prints throughput and peak memory; the figures in the README come from here.

use std::path::Path;
use std::time::{Duration, Instant};

use pjsiplint::report::json;
use pjsiplint::{generate, lint_path, Settings};

fn main() {
    let phones: usize = std::env::args()
        .skip(1)
        .find_map(|arg| arg.parse().ok())
        .unwrap_or(100_000);
    let dir = std::env::temp_dir().join(format!("pjsiplint-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for count in [phones / 10, phones] {
        let generated = generate::config(count, 20);
        std::fs::write(dir.join("pjsip.conf"), &generated.root).unwrap();
        std::fs::write(dir.join("phones.conf"), &generated.phones).unwrap();
        let bytes = generated.root.len() + generated.phones.len();
        let best = best_of(5, || run(&dir.join("pjsip.conf")));
        println!(
            "{count:>7} phones, {:>6.1} MB: best {:>7.1} ms, {:>6.1} MB/s",
            bytes as f64 / 1e6,
            best.as_secs_f64() * 1e3,
            bytes as f64 / 1e6 / best.as_secs_f64()
        );
    }
    let peak = peak_rss_kb();
    println!("peak memory (VmHWM): {:.1} MB", peak as f64 / 1024.0);
    let _ = std::fs::remove_dir_all(&dir);
}

fn run(path: &Path) -> usize {
    let linted = lint_path(path, &Settings::default()).unwrap();
    let entries: Vec<_> = json::entries(&linted.config, &linted.diagnostics).collect();
    serde_json::to_string(&entries).unwrap().len()
}

fn best_of(rounds: usize, mut f: impl FnMut() -> usize) -> Duration {
    (0..rounds)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(f());
            start.elapsed()
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
