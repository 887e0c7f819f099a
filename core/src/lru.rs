//! A map that keeps values up to a budget of bytes, dropping the least recently used first:
//! the chunk store's decoded blocks and the nodes its readers decoded.

use alloc::collections::BTreeMap;

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

    /// Keeps `value`, which holds `cost` bytes, making room by dropping the least recently
    /// used; a value costing more than the whole budget is not kept.
    pub fn put(&self, key: K, value: V, cost: usize) {
        if cost > self.budget {
            return;
        }
        let mut inner = self.inner.lock();
        let inner = &mut *inner;
        inner.remove(&key);
        while inner.bytes + cost > self.budget {
            let Some((_, oldest)) = inner.by_use.pop_first() else {
                break;
            };
            inner.remove(&oldest);
        }
        inner.clock += 1;
        inner.bytes += cost;
        inner.by_use.insert(inner.clock, key.clone());
        inner.map.insert(key, (value, cost, inner.clock));
    }

    pub fn clear(&self) {
        let mut inner = self.inner.lock();
        inner.map.clear();
        inner.by_use.clear();
        inner.bytes = 0;
    }
}

impl<K: Ord, V> Inner<K, V> {
    fn remove(&mut self, key: &K) {
        if let Some((_, cost, used)) = self.map.remove(key) {
            self.bytes -= cost;
            self.by_use.remove(&used);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_kept_up_to_the_budget_least_recently_used_first_out() {
        let lru = Lru::new(1000);
        lru.put("a", 1, 400);
        lru.put("b", 2, 400);
        // The first is used again, so the second is the oldest when room is needed.
        assert_eq!(lru.get(&"a"), Some(1));
        lru.put("c", 3, 300);
        assert_eq!(lru.get(&"b"), None);
        assert_eq!((lru.get(&"a"), lru.get(&"c")), (Some(1), Some(3)));
        assert_eq!(lru.inner.lock().bytes, 700);
        // Putting a kept key again does not count it twice.
        lru.put("c", 4, 300);
        assert_eq!((lru.get(&"c"), lru.inner.lock().bytes), (Some(4), 700));
        // One value as large as the budget leaves room for nothing else.
        lru.put("d", 5, 1000);
        assert_eq!(
            (lru.get(&"a"), lru.get(&"c"), lru.get(&"d")),
            (None, None, Some(5))
        );
        // A value larger than the budget is not kept, and drops nothing.
        lru.put("e", 6, 1001);
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
}
