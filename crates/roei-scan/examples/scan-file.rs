//! Scans files with the library alone (no CLI), for profiling: `scan-file THREADS PATH...`
//! prints the elapsed time, MB/s and the persons found (`ROEI_CHUNK=BYTES`: the chunk size).

use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let threads: usize = args
        .next()
        .and_then(|t| t.parse().ok())
        .expect("usage: scan-file THREADS PATH...");
    let paths: Vec<PathBuf> = args.map(PathBuf::from).collect();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("thread pool");
    let mut opts = roei_scan::ScanOptions::default();
    if let Some(c) = std::env::var("ROEI_CHUNK")
        .ok()
        .and_then(|c| c.parse().ok())
    {
        opts.chunk_size = c;
    }
    let start = Instant::now();
    let scan = pool.install(|| roei_scan::scan_paths(&paths, &opts, &|_| {}));
    let secs = start.elapsed().as_secs_f64();
    let r = scan.report(0);
    #[allow(clippy::cast_precision_loss)]
    let mbps = r.bytes as f64 / 1e6 / secs;
    println!(
        "{secs:.3} s, {mbps:.0} MB/s, records {}, persons {}, with card {}, items {:?}",
        r.records, r.persons, r.persons_with_card_number, r.item_records
    );
}
