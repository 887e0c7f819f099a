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
    /// Each value with its cost in bytes and when it was last used.
    map: BTreeMap<K, (V, usize, u64)>,
    /// The same keys by when they were last used, the oldest first.
    by_use: BTreeMap<u64, K>,
    clock: u64,
    bytes: usize,
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
        let Inner {
            map, by_use, clock, ..
        } = &mut *inner;
        let (value, _, used) = map.get_mut(key)?;
        *clock += 1;
        let key = by_use.remove(used)?;
        by_use.insert(*clock, key);
        *used = *clock;
        Some(value.clone())
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
            let Some((_, oldest)) = inner.by_use.pop_first() else {
                break;
            };
            gone.extend(inner.remove(&oldest));
        }
        inner.clock += 1;
        inner.bytes += cost;
        inner.by_use.insert(inner.clock, key.clone());
        inner.map.insert(key, (value, cost, inner.clock));
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
            inner.by_use.insert(entry.2, new.clone());
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
        let (value, cost, used) = self.map.remove(key)?;
        self.bytes -= cost;
        self.by_use.remove(&used);
        Some(value)
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
            let held: alloc::vec::Vec<_> = inner.map.iter().map(|(k, v)| (*k, v.0)).collect();
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
