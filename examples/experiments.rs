//! Runs the three measured experiments at full length with the lessons' defaults and prints
//! their tables as Markdown: `cargo run --example experiments [-- --quick]`.
//!
//! Idle runs first: it reads the whole process's resident memory, which the others would
//! leave freed but held by the allocator.

use wslab::capture::measure::Measured;
use wslab::lesson::model::{Idle, Messages, Pane, Polling};
use wslab::run::experiment;

fn print(m: &Measured) {
    println!("## {}\n", m.title);
    println!("| | {} |", m.columns.join(" | "));
    println!("|---{}|", "|---".repeat(m.columns.len()));
    for row in &m.rows {
        let figures: Vec<String> = row.figures.iter().map(ToString::to_string).collect();
        println!("| {} | {} |", row.label, figures.join(" | "));
    }
    println!();
    for note in &m.notes {
        println!("- {note}");
    }
    println!();
}

fn main() -> anyhow::Result<()> {
    let quick = std::env::args().any(|a| a == "--quick");
    let panes = vec![Pane::Compare, Pane::Chart];
    let runtime = tokio::runtime::Runtime::new()?;
    let idle = Idle {
        connections: 1000,
        deflate: None,
        panes: panes.clone(),
    };
    print(&runtime.block_on(experiment::idle(&idle, quick))?);
    let polling = Polling {
        seconds: 5.0,
        poll_ms: 500,
        update_ms: 700,
        panes: panes.clone(),
    };
    print(&runtime.block_on(experiment::polling(&polling, quick))?);
    let messages = Messages {
        count: 50,
        text: r#"{"typing":true}"#.to_owned(),
        panes,
    };
    print(&runtime.block_on(experiment::messages(&messages, quick))?);
    Ok(())
}
