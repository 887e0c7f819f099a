//! Which backup snapshots a retention policy keeps: restic's `forget` policy, as a pure function.
//!
//! [`apply`] follows restic's `ApplyPolicy` (internal/data/snapshot_policy.go, restic 0.16 on):
//!
//! - Snapshots are taken newest first; snapshots with the same time keep the order they were
//!   given in (restic sorts stably too).
//! - `keep_last`, `keep_hourly`, … `keep_yearly` each walk that list and keep a snapshot whenever
//!   its bucket (the snapshot itself; its calendar hour, day, ISO week, month or year) differs
//!   from the previous kept one's, so each keeps the newest snapshot of its N newest buckets.
//!   [`KeepCount::All`] is restic's `-1`: every bucket.
//! - A bucket policy that still has buckets left when the list ends also keeps the oldest
//!   snapshot, so as much history as possible survives (restic 0.16 and later; the reason reads
//!   "oldest daily snapshot" and so on).
//! - `keep_within` keeps every snapshot strictly newer than the newest snapshot's time minus the
//!   duration, with restic's (Go's) calendar arithmetic: years and months first, a day overflow
//!   rolling into the next month (Mar 31 minus 1m is Mar 3, or Mar 2 in a leap year), then days,
//!   then hours.
//! - `keep_tags` keeps every snapshot carrying at least one of the tags; tags are not counted.
//! - An empty policy keeps everything (reason "policy is empty"), as restic's `ApplyPolicy` did
//!   until 0.17: a front end should refuse an empty policy, as `restic forget` does, rather than
//!   call this (see [`Policy::is_empty`]); keeping everything is the safe answer if it does.
//!
//! Buckets are calendar periods in UTC (restic uses each snapshot's own time zone; Cairn's
//! snapshots carry no zone). ISO weeks are those of Go's `Time.ISOWeek` and ISO 8601: weeks
//! start on Monday and belong to the year that holds their Thursday.
//!
//! Differences from restic: the reference time for `keep_within` is the newest snapshot's even
//! when it lies in the future (restic skips future snapshots there; this module reads no clock);
//! a keep-tag is one tag, not restic's comma-separated "all of these" list; and durations refuse
//! negative numbers and repeated units, which restic accepts.

use crate::text::civil_from_days;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use core::str::FromStr;

/// How many buckets of one kind to keep.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeepCount {
    /// The N newest buckets; 0 is the same as not setting the policy, as in restic.
    Count(u32),
    /// Every bucket: restic's `-1`.
    All,
}

impl FromStr for KeepCount {
    type Err = PolicyError;

    /// Parses a count as restic's flags take it: a number, or -1 for all.
    fn from_str(s: &str) -> Result<Self, PolicyError> {
        let s = s.trim();
        if s == "-1" {
            return Ok(KeepCount::All);
        }
        s.parse::<u32>()
            .map(KeepCount::Count)
            .map_err(|_| PolicyError::BadCount(s.into()))
    }
}

/// A calendar duration in restic's syntax, such as `1y2m3d4h`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Duration {
    pub years: u32,
    pub months: u32,
    pub days: u32,
    pub hours: u32,
}

impl Duration {
    /// A zero duration sets nothing, as in restic.
    pub fn is_zero(&self) -> bool {
        *self == Duration::default()
    }
}

impl FromStr for Duration {
    type Err = PolicyError;

    /// Parses numbers each followed by a unit: `y` years, `m` months, `d` days, `h` hours.
    fn from_str(input: &str) -> Result<Self, PolicyError> {
        let err = |why: &'static str| PolicyError::BadDuration {
            input: input.into(),
            why,
        };
        let mut rest = input.trim();
        if rest.is_empty() {
            return Err(err("it is empty"));
        }
        let mut d = Duration::default();
        let mut seen = [false; 4];
        while !rest.is_empty() {
            if rest.starts_with('-') {
                return Err(err("it is negative"));
            }
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                return Err(err("a unit (y, m, d or h) must follow a number"));
            }
            let n: u32 = rest[..digits]
                .parse()
                .map_err(|_| err("a number is too large"))?;
            let (slot, at) = match rest[digits..].chars().next() {
                Some('y') => (&mut d.years, 0),
                Some('m') => (&mut d.months, 1),
                Some('d') => (&mut d.days, 2),
                Some('h') => (&mut d.hours, 3),
                None => return Err(err("the last number has no unit (y, m, d or h)")),
                Some(_) => return Err(err("units are y (years), m (months), d (days), h (hours)")),
            };
            if seen[at] {
                return Err(err("a unit appears twice"));
            }
            seen[at] = true;
            *slot = n;
            rest = &rest[digits + 1..];
        }
        Ok(d)
    }
}

/// Prints as restic does: nonzero parts only, `2y3d`.
impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (n, unit) in [
            (self.years, 'y'),
            (self.months, 'm'),
            (self.days, 'd'),
            (self.hours, 'h'),
        ] {
            if n != 0 {
                write!(f, "{n}{unit}")?;
            }
        }
        Ok(())
    }
}

/// A retention policy: the union of what each part keeps.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Policy {
    pub keep_last: Option<KeepCount>,
    pub keep_hourly: Option<KeepCount>,
    pub keep_daily: Option<KeepCount>,
    pub keep_weekly: Option<KeepCount>,
    pub keep_monthly: Option<KeepCount>,
    pub keep_yearly: Option<KeepCount>,
    pub keep_within: Option<Duration>,
    pub keep_tags: Vec<String>,
}

impl Policy {
    /// True when no part would keep anything; zero counts and a zero duration count as unset.
    pub fn is_empty(&self) -> bool {
        self.buckets()
            .iter()
            .all(|(count, _)| count.is_none_or(|c| c == KeepCount::Count(0)))
            && self.keep_within.is_none_or(|d| d.is_zero())
            && self.keep_tags.is_empty()
    }

    fn buckets(&self) -> [(Option<KeepCount>, Bucket); 6] {
        [
            (self.keep_last, Bucket::Last),
            (self.keep_hourly, Bucket::Hourly),
            (self.keep_daily, Bucket::Daily),
            (self.keep_weekly, Bucket::Weekly),
            (self.keep_monthly, Bucket::Monthly),
            (self.keep_yearly, Bucket::Yearly),
        ]
    }
}

/// A policy part whose input could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PolicyError {
    BadDuration { input: String, why: &'static str },
    BadCount(String),
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PolicyError::BadDuration { input, why } => write!(
                f,
                "cannot read duration {input:?}: {why}; write it like 1y2m3d4h (years, months, days, hours)"
            ),
            PolicyError::BadCount(s) => write!(
                f,
                "cannot read count {s:?}: give a whole number of snapshots to keep, or -1 for all"
            ),
        }
    }
}

/// The period a bucket policy counts in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bucket {
    /// Every snapshot is its own bucket.
    Last,
    Hourly,
    Daily,
    Weekly,
    Monthly,
    Yearly,
}

/// Why a snapshot is kept; displays as restic's reason text ("daily snapshot", "within 2d"),
/// except that a tag reads `tag NAME` where restic writes `has tags [NAME]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reason {
    PolicyEmpty,
    Tag(String),
    Within(Duration),
    /// The newest snapshot of a bucket, or with `oldest`, the oldest snapshot kept because the
    /// policy had buckets left.
    Bucket {
        bucket: Bucket,
        oldest: bool,
    },
    /// Cairn's own, never given by [`apply`]: the snapshot a backup's writer wrote last, which
    /// `backup::forget` keeps whatever the policy says (its next sync continues from it).
    Writer,
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::PolicyEmpty => f.write_str("policy is empty"),
            Reason::Tag(tag) => write!(f, "tag {tag}"),
            Reason::Within(d) => write!(f, "within {d}"),
            Reason::Writer => f.write_str("written last (the next sync continues from it)"),
            Reason::Bucket { bucket, oldest } => {
                if *oldest {
                    f.write_str("oldest ")?;
                }
                f.write_str(match bucket {
                    Bucket::Last => "last snapshot",
                    Bucket::Hourly => "hourly snapshot",
                    Bucket::Daily => "daily snapshot",
                    Bucket::Weekly => "weekly snapshot",
                    Bucket::Monthly => "monthly snapshot",
                    Bucket::Yearly => "yearly snapshot",
                })
            }
        }
    }
}

/// What the policy needs to know of a snapshot.
#[derive(Clone, Copy, Debug)]
pub struct SnapshotInfo<'a> {
    /// Milliseconds since the Unix epoch, UTC.
    pub time_ms: u64,
    pub tags: &'a [String],
}

/// A kept snapshot: its index in the input and every reason, in restic's order (tags, within,
/// then last, hourly, … yearly).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Kept {
    pub index: usize,
    pub reasons: Vec<Reason>,
}

/// The verdict on every input snapshot, each list newest first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    pub keep: Vec<Kept>,
    /// Indices into the input of the snapshots to remove.
    pub remove: Vec<usize>,
}

/// Applies `policy` to `snapshots`; see the module documentation for the semantics.
pub fn apply(snapshots: &[SnapshotInfo<'_>], policy: &Policy) -> Outcome {
    let mut order: Vec<usize> = (0..snapshots.len()).collect();
    // Stable, as restic's sort.Stable: equal times stay in input order.
    order.sort_by(|&a, &b| snapshots[b].time_ms.cmp(&snapshots[a].time_ms));

    if policy.is_empty() {
        let keep = order
            .into_iter()
            .map(|index| Kept {
                index,
                reasons: alloc::vec![Reason::PolicyEmpty],
            })
            .collect();
        return Outcome {
            keep,
            remove: Vec::new(),
        };
    }

    // Remaining count (None = all) and last bucket seen, per bucket policy that is set.
    let mut counters: Vec<(Bucket, Option<u32>, Option<BucketKey>)> = policy
        .buckets()
        .into_iter()
        .filter_map(|(count, bucket)| match count? {
            KeepCount::Count(0) => None,
            KeepCount::Count(n) => Some((bucket, Some(n), None)),
            KeepCount::All => Some((bucket, None, None)),
        })
        .collect();
    let newest = order.first().map(|&i| snapshots[i].time_ms);
    let within = policy
        .keep_within
        .filter(|d| !d.is_zero())
        .zip(newest)
        .map(|(d, newest)| (d, cutoff_ms(newest, &d)));

    let mut outcome = Outcome::default();
    for (nr, &index) in order.iter().enumerate() {
        let snap = &snapshots[index];
        let is_oldest = nr + 1 == order.len();
        let mut reasons = Vec::new();
        for tag in &policy.keep_tags {
            if snap.tags.contains(tag) {
                reasons.push(Reason::Tag(tag.clone()));
            }
        }
        if let Some((d, cutoff)) = within {
            if i128::from(snap.time_ms) > cutoff {
                reasons.push(Reason::Within(d));
            }
        }
        for (bucket, left, last) in &mut counters {
            if *left == Some(0) {
                continue;
            }
            let key = bucket_key(*bucket, snap.time_ms, nr);
            let new_bucket = *last != Some(key);
            if new_bucket || is_oldest {
                reasons.push(Reason::Bucket {
                    bucket: *bucket,
                    oldest: !new_bucket,
                });
                *last = Some(key);
                if let Some(n) = left {
                    *n -= 1;
                }
            }
        }
        if reasons.is_empty() {
            outcome.remove.push(index);
        } else {
            outcome.keep.push(Kept { index, reasons });
        }
    }
    outcome
}

/// A calendar period (or, for [`Bucket::Last`], the snapshot's position), compared for equality.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct BucketKey(i64, u32, u32);

fn bucket_key(bucket: Bucket, time_ms: u64, nr: usize) -> BucketKey {
    const MS_PER_DAY: u64 = 86_400_000;
    // u64 milliseconds span under 2^38 days: the casts cannot truncate.
    let days = (time_ms / MS_PER_DAY) as i64;
    let hour = (time_ms % MS_PER_DAY / 3_600_000) as u32;
    let (year, month, day) = civil_from_days(days);
    match bucket {
        Bucket::Last => BucketKey(nr as i64, 0, 0),
        Bucket::Hourly => BucketKey(year, month * 32 + day, hour),
        Bucket::Daily => BucketKey(year, month, day),
        Bucket::Weekly => {
            let (year, week) = iso_week(days);
            BucketKey(year, week, 0)
        }
        Bucket::Monthly => BucketKey(year, month, 0),
        Bucket::Yearly => BucketKey(year, 0, 0),
    }
}

/// The ISO 8601 (year, week) of a day counted from 1970-01-01: the week's Thursday decides.
fn iso_week(days: i64) -> (i64, u32) {
    // 1970-01-01 was a Thursday: weekday 0 is Monday.
    let weekday = (days + 3).rem_euclid(7);
    let thursday = days - weekday + 3;
    let (year, _, _) = civil_from_days(thursday);
    let week = (thursday - days_from_civil(year, 1, 1)) / 7 + 1;
    (year, week as u32)
}

/// The `keep_within` bound: `newest` moved back by `d` as Go's `AddDate(-y, -m, -d)` and then
/// `Add(-h hours)` do. In i128 so that no duration can overflow.
fn cutoff_ms(newest: u64, d: &Duration) -> i128 {
    const MS_PER_DAY: i128 = 86_400_000;
    let newest = i128::from(newest);
    let days = newest.div_euclid(MS_PER_DAY);
    let time_of_day = newest.rem_euclid(MS_PER_DAY);
    let (year, month, day) = civil_from_days(days as i64);
    // Go normalises the month first, then lets the day overflow into the following months.
    let month0 = i128::from(month) - 1 - i128::from(d.months);
    let year = i128::from(year) - i128::from(d.years) + month0.div_euclid(12);
    let month = month0.rem_euclid(12) + 1;
    let days = days_from_civil_wide(year, month) + i128::from(day) - 1 - i128::from(d.days);
    days * MS_PER_DAY + time_of_day - i128::from(d.hours) * 3_600_000
}

/// Howard Hinnant's days-from-civil for the first of a month, wide enough for any duration.
fn days_from_civil_wide(year: i128, month: i128) -> i128 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    // Only called with years of u64 milliseconds, far inside i64 days.
    (days_from_civil_wide(i128::from(year), i128::from(month)) + i128::from(day) - 1) as i64
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;
    use alloc::vec;

    /// Milliseconds of a UTC civil time.
    fn ms(y: i64, mo: u32, d: u32, h: u32, mi: u32) -> u64 {
        let days = days_from_civil(y, mo, d);
        (days * 86_400_000 + i64::from(h * 3600 + mi * 60) * 1000) as u64
    }

    fn dur(s: &str) -> Duration {
        s.parse().unwrap()
    }

    #[test]
    fn durations_parse_as_restic_writes_them() {
        assert_eq!(
            dur("1y2m3d4h"),
            Duration {
                years: 1,
                months: 2,
                days: 3,
                hours: 4
            }
        );
        assert_eq!(dur(" 36h ").hours, 36);
        assert_eq!(dur("2d1y").to_string(), "1y2d");
        assert_eq!(dur("0d").to_string(), "");
        assert!(dur("0d").is_zero());
        for (bad, why) in [
            ("", "empty"),
            ("   ", "empty"),
            ("5", "no unit"),
            ("1d5", "no unit"),
            ("d", "must follow a number"),
            ("1w", "units are"),
            ("1y1y", "twice"),
            ("-1d", "negative"),
            ("1d-2h", "negative"),
            ("99999999999d", "too large"),
            ("1dé", "must follow a number"),
            ("1é", "units are"),
        ] {
            let err = bad.parse::<Duration>().unwrap_err().to_string();
            assert!(err.contains(why), "{bad:?}: {err}");
            assert!(err.contains("1y2m3d4h"), "{err}");
        }
    }

    #[test]
    fn counts_parse_with_minus_one_for_all() {
        assert_eq!("7".parse(), Ok(KeepCount::Count(7)));
        assert_eq!("-1".parse(), Ok(KeepCount::All));
        for bad in ["-2", "x", "", "1.5", "4294967296"] {
            let err = bad.parse::<KeepCount>().unwrap_err().to_string();
            assert!(err.contains("-1 for all"), "{err}");
        }
    }

    #[test]
    fn calendar_matches_known_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(days_from_civil(2000, 2, 29), 11_016);
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(
            civil_from_days(days_from_civil(2100, 3, 1) - 1),
            (2100, 2, 28)
        );
        for days in -800_000..800_000 {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }

    #[test]
    fn iso_weeks_match_go() {
        let week = |y, m, d| iso_week(days_from_civil(y, m, d));
        // 2020 has 53 weeks (it starts on a Wednesday and is a leap year).
        assert_eq!(week(2020, 12, 31), (2020, 53));
        assert_eq!(week(2021, 1, 3), (2020, 53));
        assert_eq!(week(2021, 1, 4), (2021, 1));
        // Dec 29 2014 (a Monday) is in week 1 of 2015.
        assert_eq!(week(2014, 12, 28), (2014, 52));
        assert_eq!(week(2014, 12, 29), (2015, 1));
        // 2015 also has 53 weeks (it starts on a Thursday).
        assert_eq!(week(2016, 1, 3), (2015, 53));
        assert_eq!(week(2026, 1, 1), (2026, 1));
        assert_eq!(week(1970, 1, 1), (1970, 1));
        assert_eq!(week(2024, 2, 29), (2024, 9));
    }

    #[test]
    fn keep_within_moves_back_as_go_add_date() {
        let back = |newest: u64, d: &str| cutoff_ms(newest, &dur(d));
        let at = |y, mo, d, h| i128::from(ms(y, mo, d, h, 0));
        // Mar 31 minus a month is "Feb 31", which Go rolls to Mar 2 (2024 is a leap year).
        assert_eq!(back(ms(2024, 3, 31, 5, 0), "1m"), at(2024, 3, 2, 5));
        assert_eq!(back(ms(2023, 3, 31, 5, 0), "1m"), at(2023, 3, 3, 5));
        // Feb 29 minus a year is "Feb 29 2023", Mar 1.
        assert_eq!(back(ms(2024, 2, 29, 0, 0), "1y"), at(2023, 3, 1, 0));
        assert_eq!(back(ms(2024, 1, 15, 0, 0), "1m"), at(2023, 12, 15, 0));
        assert_eq!(back(ms(2024, 1, 1, 2, 0), "3h"), at(2023, 12, 31, 23));
        assert_eq!(back(ms(2024, 3, 1, 0, 0), "1d"), at(2024, 2, 29, 0));
        assert_eq!(back(ms(2024, 5, 10, 0, 0), "1y2m3d4h"), at(2023, 3, 6, 20));
        // Any duration works, far before the epoch.
        let max = Duration {
            years: u32::MAX,
            months: u32::MAX,
            days: u32::MAX,
            hours: u32::MAX,
        };
        assert!(cutoff_ms(u64::MAX, &max) < 0);
        assert!(cutoff_ms(0, &max) < 0);
    }

    fn run(times: &[u64], tags: &[&[String]], policy: &Policy) -> Vec<(u64, Vec<String>)> {
        let snaps: Vec<SnapshotInfo> = times
            .iter()
            .enumerate()
            .map(|(i, &time_ms)| SnapshotInfo {
                time_ms,
                tags: tags.get(i).copied().unwrap_or(&[]),
            })
            .collect();
        let out = apply(&snaps, policy);
        assert_eq!(out.keep.len() + out.remove.len(), times.len());
        out.keep
            .into_iter()
            .map(|k| {
                (
                    times[k.index],
                    k.reasons.iter().map(|r| r.to_string()).collect(),
                )
            })
            .collect()
    }

    #[test]
    fn buckets_keep_the_newest_of_each_until_counted_then_the_oldest() {
        // Given oldest first, to show the sort.
        let times = [
            ms(2023, 12, 31, 23, 0),
            ms(2024, 1, 1, 1, 0),
            ms(2024, 1, 1, 22, 0),
            ms(2024, 1, 2, 9, 0),
            ms(2024, 1, 2, 10, 0),
        ];
        let daily = |n| Policy {
            keep_daily: Some(KeepCount::Count(n)),
            ..Policy::default()
        };
        assert_eq!(
            run(&times, &[], &daily(2)),
            vec![
                (times[4], vec!["daily snapshot".to_string()]),
                (times[2], vec!["daily snapshot".to_string()]),
            ]
        );
        // Three days, with counts left: the oldest is kept as its day's newest.
        assert_eq!(run(&times, &[], &daily(5)).len(), 3);
        let yearly = Policy {
            keep_yearly: Some(KeepCount::Count(5)),
            ..Policy::default()
        };
        // Two years and counts left: the oldest snapshot (2023's only one) is kept as a
        // yearly; 2024's newest too.
        assert_eq!(
            run(&times, &[], &yearly),
            vec![
                (times[4], vec!["yearly snapshot".to_string()]),
                (times[0], vec!["yearly snapshot".to_string()]),
            ]
        );
        let monthly_from_2024 = Policy {
            keep_monthly: Some(KeepCount::All),
            ..Policy::default()
        };
        let kept = run(&times[1..], &[], &monthly_from_2024);
        assert_eq!(
            kept,
            vec![
                (times[4], vec!["monthly snapshot".to_string()]),
                (times[1], vec!["oldest monthly snapshot".to_string()]),
            ]
        );
    }

    #[test]
    fn reasons_come_in_restic_order_and_tags_are_not_counted() {
        let tagged = ["pre-migration".to_string()];
        let times = [
            ms(2024, 6, 1, 0, 0),
            ms(2024, 6, 3, 0, 0),
            ms(2024, 1, 1, 0, 0),
        ];
        let policy = Policy {
            keep_last: Some(KeepCount::Count(1)),
            keep_daily: Some(KeepCount::Count(1)),
            keep_within: Some(dur("2d")),
            keep_tags: vec!["pre-migration".into(), "absent".into()],
            ..Policy::default()
        };
        let tags: [&[String]; 3] = [&[], &tagged, &tagged];
        assert_eq!(
            run(&times, &tags, &policy),
            vec![
                (
                    times[1],
                    vec![
                        "tag pre-migration".to_string(),
                        "within 2d".to_string(),
                        "last snapshot".to_string(),
                        "daily snapshot".to_string(),
                    ]
                ),
                (times[2], vec!["tag pre-migration".to_string()]),
            ]
        );
    }

    #[test]
    fn keep_within_is_strict_and_relative_to_the_newest() {
        let newest = ms(2030, 1, 10, 12, 0);
        let times = [newest, ms(2030, 1, 8, 12, 1), ms(2030, 1, 8, 12, 0)];
        let policy = Policy {
            keep_within: Some(dur("2d")),
            ..Policy::default()
        };
        let kept: Vec<u64> = run(&times, &[], &policy).into_iter().map(|k| k.0).collect();
        assert_eq!(kept, vec![times[0], times[1]]);
    }

    #[test]
    fn ties_keep_input_order() {
        let t = ms(2024, 1, 1, 0, 0);
        let snaps = [
            SnapshotInfo {
                time_ms: t,
                tags: &[],
            },
            SnapshotInfo {
                time_ms: t,
                tags: &[],
            },
        ];
        let policy = Policy {
            keep_hourly: Some(KeepCount::Count(3)),
            ..Policy::default()
        };
        let out = apply(&snaps, &policy);
        assert_eq!(out.keep[0].index, 0);
        // The second is the oldest and the hour is already counted: kept as the oldest.
        assert_eq!(out.keep[1].index, 1);
        assert_eq!(out.keep[1].reasons[0].to_string(), "oldest hourly snapshot");
        let last = Policy {
            keep_hourly: Some(KeepCount::Count(1)),
            ..Policy::default()
        };
        assert_eq!(apply(&snaps, &last).remove, vec![1]);
    }

    #[test]
    fn empty_policies_keep_everything() {
        let times = [ms(2024, 1, 1, 0, 0), ms(2024, 1, 2, 0, 0)];
        let zero = Policy {
            keep_last: Some(KeepCount::Count(0)),
            keep_within: Some(dur("0h")),
            ..Policy::default()
        };
        assert!(zero.is_empty());
        for policy in [Policy::default(), zero] {
            let kept = run(&times, &[], &policy);
            assert_eq!(kept.len(), 2);
            assert_eq!(kept[0].1, vec!["policy is empty".to_string()]);
        }
        assert_eq!(apply(&[], &Policy::default()), Outcome::default());
        let within = Policy {
            keep_within: Some(dur("1d")),
            ..Policy::default()
        };
        assert_eq!(apply(&[], &within), Outcome::default());
    }
}
