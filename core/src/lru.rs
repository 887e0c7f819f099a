//! A map that keeps values up to a budget of bytes, dropping the least recently used first:
//! the chunk store's decoded blocks and the nodes its readers decoded.

use alloc::collections::BTreeMap;
use alloc::vec::Vec;

use spin::Mutex;

pub struct Lru<K, V> {
    budget: usize,
    inner: Mutex<Inner<K, V>>,
}

struct Inner<K, V> {
    map: BTreeMap<K, Kept<V>>,
    /// The same keys, each under its `queued` time, the oldest first. A use does not move its
    /// key here (a `get` only notes its time): making room does, when it finds a key used
    /// since it was queued, so that a read costs one search, not three changes of two maps.
    by_use: BTreeMap<u64, K>,
    clock: u64,
    bytes: usize,
}

struct Kept<V> {
    value: V,
    /// Its cost in bytes.
    cost: usize,
    /// When it was last used.
    used: u64,
    /// Its key's place in `by_use`: when it was last used as of its last move there.
    queued: u64,
}

impl<K: Ord + Clone, V: Clone> Lru<K, V> {
    pub const fn new(budget: usize) -> Self {
        Lru {
            budget,
            inner: Mutex::new(Inner {
                map: BTreeMap::new(),
                by_use: BTreeMap::new(),
                clock: 0,
                bytes: 0,
            }),
        }
    }

    pub fn get(&self, key: &K) -> Option<V> {
        let mut inner = self.inner.lock();
        let Inner { map, clock, .. } = &mut *inner;
        let kept = map.get_mut(key)?;
        *clock += 1;
        kept.used = *clock;
        Some(kept.value.clone())
    }

    /// Whether `key` is kept; unlike `get`, it does not count as a use.
    pub fn contains(&self, key: &K) -> bool {
        self.inner.lock().map.contains_key(key)
    }

    /// Keeps `value`, which holds `cost` bytes, making room by letting go of the least
    /// recently used; a value costing more than the whole budget is not kept. Returns the
    /// values let go of (and one `key` held before), for the caller to drop where that costs
    /// least.
    pub fn put(&self, key: K, value: V, cost: usize) -> Vec<V> {
        let mut gone = Vec::new();
        if cost > self.budget {
            return gone;
        }
        let mut inner = self.inner.lock();
        let inner = &mut *inner;
        gone.extend(inner.remove(&key));
        while inner.bytes + cost > self.budget {
            let Some((queued, oldest)) = inner.by_use.pop_first() else {
                break;
            };
            match inner.map.get_mut(&oldest) {
                // Used since it was queued: back in the queue as of that use.
                Some(kept) if kept.used != queued => {
                    kept.queued = kept.used;
                    inner.by_use.insert(kept.used, oldest);
                }
                _ => gone.extend(inner.remove(&oldest)),
            }
        }
        inner.clock += 1;
        inner.bytes += cost;
        let now = inner.clock;
        inner.by_use.insert(now, key.clone());
        let kept = Kept {
            value,
            cost,
            used: now,
            queued: now,
        };
        inner.map.insert(key, kept);
        gone
    }

    /// Moves each value whose key `f` maps to a new key there, keeping its cost and its place
    /// in the order of use (a value already at the new key is dropped).
    pub fn rekey(&self, mut f: impl FnMut(&K) -> Option<K>) {
        let mut inner = self.inner.lock();
        let moves: Vec<(K, K)> = inner
            .map
            .keys()
            .filter_map(|old| f(old).map(|new| (old.clone(), new)))
            .collect();
        for (old, new) in moves {
            if old == new {
                continue;
            }
            let Some(entry) = inner.map.remove(&old) else {
                continue;
            };
            inner.remove(&new);
            inner.by_use.insert(entry.queued, new.clone());
            inner.map.insert(new, entry);
        }
    }

    pub fn clear(&self) {
        let mut inner = self.inner.lock();
        inner.map.clear();
        inner.by_use.clear();
        inner.bytes = 0;
    }
}

impl<K: Ord, V> Inner<K, V> {
    fn remove(&mut self, key: &K) -> Option<V> {
        let kept = self.map.remove(key)?;
        self.bytes -= kept.cost;
        self.by_use.remove(&kept.queued);
        Some(kept.value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_kept_up_to_the_budget_least_recently_used_first_out() {
        let lru = Lru::new(1000);
        assert!(lru.put("a", 1, 400).is_empty());
        assert!(lru.put("b", 2, 400).is_empty());
        // The first is used again, so the second is the oldest when room is needed; `put`
        // hands back what it let go of.
        assert_eq!(lru.get(&"a"), Some(1));
        assert_eq!(lru.put("c", 3, 300), [2]);
        assert_eq!(lru.get(&"b"), None);
        assert_eq!((lru.get(&"a"), lru.get(&"c")), (Some(1), Some(3)));
        assert_eq!(lru.inner.lock().bytes, 700);
        // Putting a kept key again does not count it twice, and hands back the value before.
        assert_eq!(lru.put("c", 4, 300), [3]);
        assert_eq!((lru.get(&"c"), lru.inner.lock().bytes), (Some(4), 700));
        // One value as large as the budget leaves room for nothing else: the oldest go first.
        assert_eq!(lru.put("d", 5, 1000), [1, 4]);
        assert_eq!(
            (lru.get(&"a"), lru.get(&"c"), lru.get(&"d")),
            (None, None, Some(5))
        );
        // A value larger than the budget is not kept, and drops nothing.
        assert!(lru.put("e", 6, 1001).is_empty());
        assert_eq!((lru.get(&"e"), lru.get(&"d")), (None, Some(5)));
        assert!(lru.contains(&"d") && !lru.contains(&"e"));
        {
            let inner = lru.inner.lock();
            assert_eq!(
                (inner.bytes, inner.map.len(), inner.by_use.len()),
                (1000, 1, 1)
            );
        }
        lru.clear();
        assert_eq!((lru.get(&"d"), lru.inner.lock().bytes), (None, 0));
    }

    proptest::proptest! {
        /// Against a model that moves a key to the back of a list at every use: the same
        /// values kept, read and let go of, in the same order.
        #[test]
        fn it_lets_go_as_a_strict_lru_would(ops in proptest::collection::vec((0u8..8, 0usize..500, proptest::bool::ANY), 1..200)) {
            let lru = Lru::new(1000);
            // (key, value, cost), least recently used first.
            let mut model: Vec<(u8, usize, usize)> = Vec::new();
            for (i, (key, cost, put)) in ops.into_iter().enumerate() {
                let at = model.iter().position(|e| e.0 == key);
                if put {
                    let mut gone = Vec::new();
                    if cost <= 1000 {
                        gone.extend(at.map(|at| model.remove(at).1));
                        while model.iter().map(|e| e.2).sum::<usize>() + cost > 1000 {
                            gone.push(model.remove(0).1);
                        }
                        model.push((key, i, cost));
                    }
                    proptest::prop_assert_eq!(lru.put(key, i, cost), gone);
                } else {
                    let value = at.map(|at| {
                        let e = model.remove(at);
                        model.push(e);
                        e.1
                    });
                    proptest::prop_assert_eq!(lru.get(&key), value);
                }
            }
        }
    }

    #[test]
    fn rekeyed_values_keep_their_cost_and_age() {
        let lru = Lru::new(1000);
        lru.put(("new", 1), 'a', 300);
        lru.put(("old", 1), 'b', 300);
        lru.put(("new", 2), 'c', 300);
        // ("old", 1) is taken over by what ("new", 1) held, and ("new", 2) moves to a free key.
        lru.rekey(|&(file, at)| (file == "new").then_some(("old", at)));
        assert_eq!((lru.get(&("new", 1)), lru.get(&("new", 2))), (None, None));
        {
            let inner = lru.inner.lock();
            assert_eq!(
                (inner.bytes, inner.map.len(), inner.by_use.len()),
                (600, 2, 2)
            );
            let held: alloc::vec::Vec<_> = inner.map.iter().map(|(k, v)| (*k, v.value)).collect();
            assert_eq!(held, [(("old", 1), 'a'), (("old", 2), 'c')]);
        }
        // The moved values are as old as they were: ("old", 1), once ("new", 1), goes first.
        lru.put(("x", 0), 'x', 700);
        assert_eq!(
            (
                lru.get(&("old", 1)),
                lru.get(&("old", 2)),
                lru.get(&("x", 0))
            ),
            (None, Some('c'), Some('x'))
        );
    }
}
