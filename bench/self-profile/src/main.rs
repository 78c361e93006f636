//! Self time per rustc query in a `-Z self-profile` trace: a query's time minus the queries it
//! ran inside it, summed by label (and, with `--by-item`, by the last segment of the item it
//! ran on, for the queries that run once per body).

use analyzeme::ProfilingData;
use std::collections::HashMap;
use std::time::SystemTime;

/// Queries worth splitting by the body they check.
const PER_BODY: [&str; 4] = ["typeck", "mir_borrowck", "mir_built", "check_well_formed"];

struct Open {
    start: SystemTime,
    end: SystemTime,
    label: String,
    children: u128,
}

fn main() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .ok_or("usage: self-profile <trace stem> [--by-item]")?;
    let by_item = args.any(|a| a == "--by-item");
    let data = ProfilingData::new(std::path::Path::new(&path)).map_err(|e| e.to_string())?;
    let mut events: Vec<(u32, SystemTime, SystemTime, String)> = data
        .iter_full()
        .filter_map(|e| {
            let interval = e.payload.timestamp()?;
            let mut label = e.label.to_string();
            if by_item && PER_BODY.contains(&label.as_str()) {
                if let Some(item) = e.additional_data.first() {
                    let last = item.rsplit("::").next().unwrap_or(item);
                    let last: String = last.chars().filter(|c| !c.is_ascii_digit()).collect();
                    label = format!("{label} {last}");
                }
            }
            Some((e.thread_id, interval.start(), interval.end(), label))
        })
        .collect();
    // Per thread, by start; an enclosing event before the events it contains.
    events.sort_by_key(|&(thread, start, end, _)| (thread, start, std::cmp::Reverse(end)));
    let mut totals: HashMap<String, (u128, u64)> = HashMap::new();
    let mut stack: Vec<Open> = Vec::new();
    let mut thread = None;
    for (t, start, end, label) in events {
        if thread != Some(t) {
            close(&mut stack, &mut totals, None);
            thread = Some(t);
        }
        close(&mut stack, &mut totals, Some(start));
        stack.push(Open {
            start,
            end,
            label,
            children: 0,
        });
    }
    close(&mut stack, &mut totals, None);
    let mut rows: Vec<_> = totals.into_iter().collect();
    rows.sort_by(|a, b| b.1 .0.cmp(&a.1 .0));
    let total: u128 = rows.iter().map(|(_, (nanos, _))| nanos).sum();
    println!(
        "{:>9.1} ms {:>8}  (all queries, every thread)",
        total as f64 / 1e6,
        ""
    );
    for (label, (nanos, count)) in rows.iter().take(40) {
        println!("{:>9.1} ms {count:>8}  {label}", *nanos as f64 / 1e6);
    }
    Ok(())
}

/// Closes the open events that end before `at` (all of them for `None`), charging each its
/// time less its children's and adding its time to its parent's children.
fn close(stack: &mut Vec<Open>, totals: &mut HashMap<String, (u128, u64)>, at: Option<SystemTime>) {
    while stack
        .last()
        .is_some_and(|top| at.is_none_or(|at| top.end <= at))
    {
        let Some(done) = stack.pop() else { break };
        let nanos = done
            .end
            .duration_since(done.start)
            .map_or(0, |d| d.as_nanos());
        let total = totals.entry(done.label).or_default();
        total.0 += nanos.saturating_sub(done.children);
        total.1 += 1;
        if let Some(parent) = stack.last_mut() {
            parent.children += nanos;
        }
    }
}
