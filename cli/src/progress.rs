//! Progress of long operations on stderr: a bar redrawn in place on a terminal; nothing with
//! `--quiet` or without a terminal, so that a command run by cron or a systemd timer prints
//! only its result on success (and cron mails nothing it need not).

use cairn_core::sync::{Progress, Sink};

use crate::host::Host;

/// Milliseconds between redraws of the bar.
const REDRAW_MS: u64 = 100;

enum Mode {
    Bar,
    Quiet,
}

pub struct Reporter<'h, H: Host> {
    host: &'h H,
    mode: Mode,
    last: Option<Progress>,
    /// When the bar was last drawn, by the host's clock.
    drawn_ms: Option<u64>,
}

impl<'h, H: Host> Reporter<'h, H> {
    pub fn new(host: &'h H, quiet: bool) -> Self {
        let mode = match !quiet && host.stderr_is_terminal() {
            true => Mode::Bar,
            false => Mode::Quiet,
        };
        Reporter {
            host,
            mode,
            last: None,
            drawn_ms: None,
        }
    }

    pub fn update(&mut self, p: &Progress) {
        let phase_changed = self.last.is_some_and(|l| l.phase != p.phase);
        if phase_changed {
            self.end_phase();
        }
        self.last = Some(*p);
        if let Mode::Bar = self.mode {
            let now = self.host.clock_ms();
            if self
                .drawn_ms
                .is_none_or(|t| now.saturating_sub(t) >= REDRAW_MS)
            {
                self.drawn_ms = Some(now);
                self.host.stderr(&format!("\r\x1b[K{}", bar(p)));
            }
        }
    }

    fn end_phase(&mut self) {
        let Some(p) = self.last.take() else { return };
        match self.mode {
            Mode::Bar => self.host.stderr(&format!("\r\x1b[K{}\n", bar(&p))),
            Mode::Quiet => {}
        }
        self.drawn_ms = None;
    }

    /// Ends the last phase's output.
    pub fn finish(&mut self) {
        self.end_phase();
    }
}

/// The bar shows the progress; Ctrl-C (the host's interrupt) stops the operation.
impl<H: Host> Sink for Reporter<'_, H> {
    fn report(&mut self, progress: &Progress) {
        self.update(progress);
    }

    fn interrupted(&mut self) -> bool {
        self.host.interrupted()
    }
}

fn bar(p: &Progress) -> String {
    const WIDTH: usize = 30;
    if p.phase == cairn_core::sync::Phase::Importing {
        // No total to fill a bar against: a file read in pieces (or a stream) has no known end.
        return format!(
            "{:<20} {} rows, {} read",
            p.phase.name(),
            p.chunks_done,
            size(p.bytes_done)
        );
    }
    // By chunks: their total is known in both phases; bytes only in the table-file phase.
    let filled = if p.chunks_total == 0 {
        WIDTH
    } else {
        ((p.chunks_done as f64 / p.chunks_total as f64) * WIDTH as f64) as usize
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
