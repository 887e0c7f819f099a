//! Progress of long operations on stderr: a bar redrawn in place on a terminal, a line per
//! phase otherwise, nothing with `--quiet`.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

use cairn_core::sync::Progress;

const REDRAW: Duration = Duration::from_millis(100);

enum Mode {
    Bar,
    Lines,
    Quiet,
}

pub struct Reporter {
    mode: Mode,
    last: Option<Progress>,
    drawn: Option<Instant>,
}

impl Reporter {
    pub fn new(quiet: bool) -> Self {
        let mode = if quiet {
            Mode::Quiet
        } else if std::io::stderr().is_terminal() {
            Mode::Bar
        } else {
            Mode::Lines
        };
        Reporter {
            mode,
            last: None,
            drawn: None,
        }
    }

    pub fn update(&mut self, p: &Progress) {
        let phase_changed = self.last.is_some_and(|l| l.phase != p.phase);
        if phase_changed {
            self.end_phase();
        }
        self.last = Some(*p);
        if let Mode::Bar = self.mode {
            if self.drawn.is_none_or(|t| t.elapsed() >= REDRAW) {
                self.drawn = Some(Instant::now());
                let _ = write!(std::io::stderr(), "\r\x1b[K{}", bar(p));
            }
        }
    }

    fn end_phase(&mut self) {
        let Some(p) = self.last.take() else { return };
        match self.mode {
            Mode::Bar => {
                let _ = writeln!(std::io::stderr(), "\r\x1b[K{}", bar(&p));
            }
            Mode::Lines => {
                let _ = writeln!(std::io::stderr(), "{}", line(&p));
            }
            Mode::Quiet => {}
        }
        self.drawn = None;
    }

    /// Ends the last phase's output.
    pub fn finish(&mut self) {
        self.end_phase();
    }
}

fn bar(p: &Progress) -> String {
    const WIDTH: usize = 30;
    let filled = if p.bytes_total == 0 {
        WIDTH
    } else {
        ((p.bytes_done as f64 / p.bytes_total as f64) * WIDTH as f64) as usize
    }
    .min(WIDTH);
    format!(
        "{:<20} [{}{}] {}/{} chunks, {}",
        p.phase.name(),
        "#".repeat(filled),
        "-".repeat(WIDTH - filled),
        p.chunks_done,
        p.chunks_total,
        size(p.bytes_done)
    )
}

fn line(p: &Progress) -> String {
    format!(
        "{}: {} chunks, {}",
        p.phase.name(),
        p.chunks_done,
        size(p.bytes_done)
    )
}

/// Bytes as people read them: `512 B`, `12.3 KiB`, `4.0 MiB`.
pub fn size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}
