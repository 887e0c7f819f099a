//! The measurements behind the table file's block size and zstd level (docs/BENCHMARKS.md):
//! every chunk of a store's table files, compressed one by one (LZ4, as version 2 did) and in
//! blocks of several sizes, in LZ4 and at several zstd levels; bytes out, and compression and
//! decompression speed, as a Markdown table.
//!
//! Then the frame of a 128 KiB block at level 1 cut into zstd blocks of at most 64, 32, 16 or
//! 8 KiB, so that a reader can stop after the one holding its chunk: bytes out, and the time
//! to decode up to a chunk's end (8 points spread over each block) against the whole block.
//!
//!     cargo run --release -p cairn-core --example block_study -- DB/.cairn/store

use std::time::Instant;

use cairn_core::table_file::{decode_whole, each_chunk_of_file};
use structured_zstd::decoding::FrameDecoder;
use structured_zstd::encoding::{compress_slice_to_vec, CompressionLevel, FrameCompressor};

fn main() {
    let dir = std::env::args()
        .nth(1)
        .expect("usage: block_study STORE_DIR");
    let mut chunks: Vec<Vec<u8>> = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("a store directory") {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap_or_default();
        let Ok((footer, entries)) = decode_whole(&bytes) else {
            continue; // not a table file
        };
        each_chunk_of_file(footer.version, &entries, &bytes, |_, c| {
            chunks.push(c?.to_vec());
            Ok::<_, cairn_core::table_file::TableError>(())
        })
        .expect("a whole table file");
    }
    let total: usize = chunks.iter().map(Vec::len).sum();
    println!("{} chunks, {total} bytes\n", chunks.len());
    println!("| grouping | codec | bytes | ratio | compress MB/s | decompress MB/s |");
    println!("|---|---|---:|---:|---:|---:|");
    let lz4 = |g: &[u8]| {
        let mut out = vec![0; lz4_flex::block::get_maximum_output_size(g.len())];
        let n = lz4_flex::block::compress_into(g, &mut out).unwrap();
        out.truncate(n);
        out
    };
    let unlz4 = |c: &[u8], out: &mut [u8]| lz4_flex::block::decompress_into(c, out).unwrap();
    report("per chunk", "LZ4", &chunks, lz4, unlz4);
    for block in [0, 16 << 10, 32 << 10, 64 << 10, 128 << 10, 256 << 10] {
        let groups = grouped(&chunks, block);
        let name = match block {
            0 => "per chunk".to_string(),
            b => format!("{} KiB blocks", b >> 10),
        };
        if block > 0 {
            report(&name, "LZ4", &groups, lz4, unlz4);
        }
        for level in [1, 3, 7] {
            let zstd = |g: &[u8]| compress_slice_to_vec(g, CompressionLevel::from_level(level));
            let unzstd = |c: &[u8], out: &mut [u8]| FrameDecoder::new().decode_all(c, out).unwrap();
            report(&name, &format!("zstd {level}"), &groups, zstd, unzstd);
        }
    }
    part_way(&grouped(&chunks, 128 << 10));
}

/// Blocks whose frame is cut into zstd blocks of at most `inner` bytes, decoded part-way.
fn part_way(groups: &[Vec<u8>]) {
    println!(
        "\n| 128 KiB blocks, zstd 1, cut at | bytes | to a chunk's end, µs a block | whole, µs a \
         block | whole, as far as the part-way reader goes, µs a block |"
    );
    println!("|---|---:|---:|---:|---:|");
    for inner in [
        None,
        Some(64 << 10),
        Some(32 << 10),
        Some(16 << 10),
        Some(8 << 10),
    ] {
        let mut enc: FrameCompressor = FrameCompressor::new(CompressionLevel::from_level(1));
        enc.set_max_block_size(inner);
        let frames: Vec<Vec<u8>> = groups
            .iter()
            .map(|g| enc.compress_independent_frame(g))
            .collect();
        let bytes: usize = frames.iter().map(Vec::len).sum();
        let (mut part, mut whole, mut stepped) = (f64::MAX, f64::MAX, f64::MAX);
        for _ in 0..3 {
            let t = Instant::now();
            for (f, g) in frames.iter().zip(groups) {
                for point in 1..=8 {
                    let mut out = vec![0u8; g.len() * point / 8];
                    let (_, written) = FrameDecoder::new().decode_from_to(f, &mut out).unwrap();
                    assert_eq!(written, out.len());
                }
            }
            part = part.min(t.elapsed().as_secs_f64() / 8.0);
            let t = Instant::now();
            for (f, g) in frames.iter().zip(groups) {
                let mut out = vec![0u8; g.len()];
                let (_, written) = FrameDecoder::new().decode_from_to(f, &mut out).unwrap();
                assert_eq!(written, out.len());
            }
            stepped = stepped.min(t.elapsed().as_secs_f64());
            let t = Instant::now();
            for (f, g) in frames.iter().zip(groups) {
                let mut out = vec![0u8; g.len()];
                assert_eq!(
                    FrameDecoder::new().decode_all(f, &mut out).unwrap(),
                    g.len()
                );
            }
            whole = whole.min(t.elapsed().as_secs_f64());
        }
        let per = |secs: f64| secs * 1e6 / groups.len() as f64;
        let name = inner.map_or("128 KiB (one block)".into(), |i| format!("{} KiB", i >> 10));
        let (part, whole, stepped) = (per(part), per(whole), per(stepped));
        println!("| {name} | {bytes} | {part:.1} | {whole:.1} | {stepped:.1} |");
    }
}

/// Chunks in their order, concatenated into groups of at least `block` bytes (0: one each).
fn grouped(chunks: &[Vec<u8>], block: usize) -> Vec<Vec<u8>> {
    let mut groups = vec![Vec::new()];
    for c in chunks {
        if !groups.last().unwrap().is_empty() && groups.last().unwrap().len() >= block {
            groups.push(Vec::new());
        }
        groups.last_mut().unwrap().extend_from_slice(c);
    }
    groups
}

/// The best of three runs of each direction.
fn report(
    grouping: &str,
    codec: &str,
    groups: &[Vec<u8>],
    compress: impl Fn(&[u8]) -> Vec<u8>,
    decompress: impl Fn(&[u8], &mut [u8]) -> usize,
) {
    let total: usize = groups.iter().map(Vec::len).sum();
    let (mut best_c, mut best_d, mut out) = (f64::MAX, f64::MAX, 0);
    for _ in 0..3 {
        let t = Instant::now();
        let compressed: Vec<Vec<u8>> = groups.iter().map(|g| compress(g)).collect();
        best_c = best_c.min(t.elapsed().as_secs_f64());
        let t = Instant::now();
        for (c, g) in compressed.iter().zip(groups) {
            let mut back = vec![0u8; g.len()];
            assert_eq!(decompress(c, &mut back), g.len());
        }
        best_d = best_d.min(t.elapsed().as_secs_f64());
        out = compressed.iter().map(Vec::len).sum();
    }
    let mbs = |secs: f64| total as f64 / secs / 1e6;
    println!(
        "| {grouping} | {codec} | {out} | {:.1}x | {:.0} | {:.0} |",
        total as f64 / out as f64,
        mbs(best_c),
        mbs(best_d)
    );
}
