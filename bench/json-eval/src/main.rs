//! serde_json vs SIMD JSON parsers on the typed ~20 KB product answer; see Cargo.toml.

mod types;
use std::hint::black_box;
use std::time::Instant;
use types::ProductGetResponse as R;

fn decode(which: &str, body: &[u8]) -> R {
    match which {
        "serde_json_slice" => serde_json::from_slice(body).unwrap(),
        "serde_json_str" => serde_json::from_str(std::str::from_utf8(body).unwrap()).unwrap(),
        "sonic_rs" => sonic_rs::from_slice(body).unwrap(),
        "simd_json" => {
            let mut copy = body.to_vec();
            simd_json::serde::from_slice(&mut copy).unwrap()
        }
        _ => panic!("{which}"),
    }
}

fn main() {
    let body = std::fs::read("body.json").unwrap();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let all = ["serde_json_slice", "serde_json_str", "sonic_rs", "simd_json"];
    // same answer from every parser
    let a = decode(all[0], &body);
    for w in &all[1..] { assert!(decode(w, &body) == a, "{w} differs"); }
    if args.first().map(String::as_str) == Some("one") {
        for _ in 0..200 { black_box(decode(&args[1], black_box(&body))); }
        return;
    }
    let rounds = 15;
    let mut times: Vec<Vec<f64>> = vec![Vec::new(); all.len()];
    for _ in 0..rounds {
        for (i, w) in all.iter().enumerate() {
            let n = 300;
            let t = Instant::now();
            for _ in 0..n { black_box(decode(w, black_box(&body))); }
            times[i].push(t.elapsed().as_secs_f64() * 1e6 / n as f64);
        }
    }
    for (i, w) in all.iter().enumerate() {
        let mut t = times[i].clone();
        t.sort_by(f64::total_cmp);
        println!("{w}: median {:.1} µs (min {:.1})", t[t.len() / 2], t[0]);
    }
}
