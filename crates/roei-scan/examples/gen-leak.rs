//! Writes generated leaked files (see `roei_scan::generate`).
//!
//! ```sh
//! cargo run --release -p roei-scan --example gen-leak -- leak DIR [PERSONS] [SEED]
//! cargo run --release -p roei-scan --example gen-leak -- big FILE MEGABYTES [POPULATION]
//! ```
//! `leak` prints the truth as JSON; `big` writes a customer-order CSV of about MEGABYTES.

use std::path::PathBuf;

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize, d: u64| args.get(i).and_then(|a| a.parse().ok()).unwrap_or(d);
    match args.first().map(String::as_str) {
        Some("leak") => {
            let dir = PathBuf::from(args.get(1).expect("DIR"));
            std::fs::create_dir_all(&dir)?;
            let n = usize::try_from(arg(2, 1000)).unwrap_or(1000);
            let t = roei_scan::generate::write_leak(&dir, arg(3, 1), n)?;
            println!(
                "{}",
                serde_json::json!({
                    "files": t.files, "records": t.records, "persons": t.persons,
                    "persons_with_card_number": t.persons_with_card_number,
                    "item_records": t.item_records,
                })
            );
        }
        Some("big") => {
            let path = PathBuf::from(args.get(1).expect("FILE"));
            let mut f = std::fs::File::create(&path)?;
            let rows = roei_scan::generate::big_csv(
                &mut f,
                1,
                arg(2, 1024) << 20,
                usize::try_from(arg(3, 200_000)).unwrap_or(200_000),
            )?;
            eprintln!("{rows} rows");
        }
        _ => {
            eprintln!(
                "usage: gen-leak leak DIR [PERSONS] [SEED] | big FILE MEGABYTES [POPULATION]"
            );
        }
    }
    Ok(())
}
