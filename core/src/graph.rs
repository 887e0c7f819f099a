//! `log --graph`: commits drawn in lanes, one column of text a line of history, as Git draws
//! them, more simply: a merge opens a lane with `\`, lanes that meet at a commit close with `/`.

use alloc::string::String;
use alloc::vec::Vec;

use crate::hash::Hash;

/// One commit to draw: its hash, its parents and the text `log` shows for it.
pub struct Entry<'a> {
    pub hash: Hash,
    pub parents: &'a [Hash],
    pub text: &'a str,
}

/// The entries, in an order where every commit comes after its children, with the lanes
/// before each line.
pub fn draw(entries: &[Entry<'_>]) -> String {
    // The commit each lane waits for.
    let mut lanes: Vec<Hash> = Vec::new();
    let mut out = String::new();
    for e in entries {
        let col = match lanes.iter().position(|h| *h == e.hash) {
            Some(col) => col,
            None => {
                lanes.push(e.hash);
                lanes.len() - 1
            }
        };
        let below = if e.parents.is_empty() { ' ' } else { '|' };
        for (i, line) in e.text.lines().enumerate() {
            let mark = if i == 0 { '*' } else { below };
            let marks = (0..lanes.len()).map(|l| if l == col { mark } else { '|' });
            push_line(&mut out, marks, line);
        }
        match e.parents.split_first() {
            None => {
                lanes.remove(col);
            }
            Some((first, rest)) => {
                lanes[col] = *first;
                for p in rest {
                    if lanes.contains(p) {
                        continue;
                    }
                    let at = col + 1;
                    push_turn(&mut out, at, lanes.len() - at, '\\');
                    lanes.insert(at, *p);
                }
            }
        }
        // Lanes now waiting for one commit become one.
        while let Some(j) = (1..lanes.len()).find(|&j| lanes[..j].contains(&lanes[j])) {
            push_turn(&mut out, j, lanes.len() - j - 1, '/');
            lanes.remove(j);
        }
    }
    out
}

/// A line where lane `at` opens (`\\`) or closes into the one before it (`/`), and the
/// `after` lanes right of it move over, drawn between the columns.
fn push_turn(out: &mut String, at: usize, after: usize, turn: char) {
    let mut line = "| ".repeat(at);
    line.pop();
    line.push(turn);
    for _ in 0..after {
        line.push(' ');
        line.push(turn);
    }
    out.push_str(&line);
    out.push('\n');
}

fn push_line(out: &mut String, marks: impl Iterator<Item = char>, text: &str) {
    let mut line = String::new();
    for m in marks {
        line.push(m);
        line.push(' ');
    }
    line.push_str(text);
    out.push_str(line.trim_end());
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_merge_opens_a_lane_and_the_base_closes_it() {
        let [m, f, o, b] = [b"m", b"f", b"o", b"b"].map(|s| Hash::of(s));
        let entries = [
            Entry {
                hash: m,
                parents: &[o, f],
                text: "commit m\n\n\tMerge",
            },
            Entry {
                hash: f,
                parents: &[b],
                text: "commit f",
            },
            Entry {
                hash: o,
                parents: &[b],
                text: "commit o",
            },
            Entry {
                hash: b,
                parents: &[],
                text: "commit b\n\tfirst",
            },
        ];
        assert_eq!(
            draw(&entries),
            "* commit m\n|\n| \tMerge\n|\\\n| * commit f\n* | commit o\n|/\n* commit b\n  \tfirst\n"
        );
    }
}
