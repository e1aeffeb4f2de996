//! Resource limits of a run: how much memory decoded inputs take (measured exactly, with a
//! counting allocator), inputs over the size limit refused from their size before a byte is
//! read (a sparse 1 GiB `inputs.pb` included), and inputs nested past protobuf's recursion
//! limit rejected with an error document. (A task past its timeout is stopped with a
//! `USER:Timeout` document: `entrypoint.rs`.)

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use flyte_runtime::__private::execute::DECODED_INPUTS_FACTOR;
use flyte_runtime::execute::DEFAULT_MAX_INPUTS_BYTES;
use flyte_runtime::proto::core::{literal, Literal, LiteralCollection, LiteralMap};
use flyte_runtime::types::FlyteType;
use flyte_tests::pod::{add_inputs, container_args, template_of, LocalPod};
use prost::Message;

const BIN: &str = env!("CARGO_BIN_EXE_flyte-test-tasks");

/// Counts the bytes allocated now and at most since the last reset.
struct Counting;

static NOW: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc(layout);
        if !p.is_null() {
            let now = NOW.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout);
        NOW.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The most memory decoding `bytes` as a LiteralMap takes above what was in use before.
fn decode_peak(bytes: &[u8]) -> usize {
    let before = NOW.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let map = LiteralMap::decode(bytes).expect("decodes");
    let peak = PEAK.load(Ordering::Relaxed) - before;
    drop(map);
    peak
}

fn collection(items: Vec<Literal>) -> Literal {
    Literal {
        value: Some(literal::Value::Collection(LiteralCollection {
            literals: items,
        })),
        ..Literal::default()
    }
}

#[test]
fn decoded_inputs_stay_within_the_stated_multiple_of_their_size() {
    let ints: Vec<i64> = (0..200_000).map(|i| i % 100).collect();
    let strs: Vec<String> = (0..50_000).map(|i| format!("string number {i}")).collect();
    let floats: Vec<f64> = (0..100_000).map(|i| i as f64 / 3.0).collect();
    let nested: Vec<Vec<i64>> = (0..20_000).map(|i| vec![i, i + 1]).collect();
    let cases = [
        ("200,000 small integers", ints.to_literal()),
        ("50,000 strings", strs.to_literal()),
        ("100,000 floats", floats.to_literal()),
        ("20,000 pairs of integers", nested.to_literal()),
    ];
    let mut worst = 0.0f64;
    let mut measured = Vec::new();
    for (name, lit) in cases {
        let bytes = LiteralMap {
            literals: [("x".to_string(), lit)].into(),
        }
        .encode_to_vec();
        let factor = decode_peak(&bytes) as f64 / bytes.len() as f64;
        println!(
            "{name}: {} bytes encoded, decoded peak {factor:.1}× that",
            bytes.len()
        );
        worst = worst.max(factor);
        measured.push((name, factor));
    }
    for (name, factor) in measured {
        assert!(
            factor <= DECODED_INPUTS_FACTOR as f64,
            "{name}: decoding took {factor:.1}× the encoded size, over the stated {DECODED_INPUTS_FACTOR}×"
        );
    }
    // The stated factor is not loose by more than half (it is the measured worst case).
    assert!(
        worst * 1.5 >= DECODED_INPUTS_FACTOR as f64,
        "worst case {worst:.1}× is far below the stated {DECODED_INPUTS_FACTOR}×; lower it"
    );
}

#[test]
fn inputs_over_the_limit_are_refused_before_they_are_read() {
    let template = template_of(BIN, "examples.add");
    let args = container_args(&template);
    let inputs = add_inputs(1, 2, &"x".repeat(2000)).encode_to_vec();
    let pod = LocalPod::new("too-large", &template.encode_to_vec(), &inputs);
    let r = pod.run(BIN, &args, &[("FLYTE_RS_MAX_INPUTS_BYTES", "1000")]);
    let e = r.expect_error();
    assert_eq!(e.code, "USER:InputTooLarge");
    assert!(
        e.message.contains(&format!(
            "is {} bytes, over this runtime's limit of 1000 bytes",
            inputs.len()
        )),
        "{}",
        e.message
    );
    assert_eq!(r.files, ["error.pb"]);
    assert!(r.output.status.success());

    // A 1 GiB inputs file (sparse: it takes no disk) under the default limit.
    let pod = LocalPod::new("one-gib", &template.encode_to_vec(), &[]);
    let f = std::fs::File::options()
        .write(true)
        .open(pod.dir.join("inputs.pb"))
        .unwrap();
    f.set_len(1 << 30).unwrap();
    let r = pod.run(BIN, &args, &[]);
    let e = r.expect_error();
    assert_eq!(e.code, "USER:InputTooLarge");
    assert!(
        e.message.contains(&format!(
            "is 1073741824 bytes, over this runtime's limit of {DEFAULT_MAX_INPUTS_BYTES} bytes"
        )),
        "{}",
        e.message
    );
}

#[test]
fn inputs_nested_past_the_recursion_limit_get_an_error_document() {
    let template = template_of(BIN, "examples.add");
    let mut deep = 1i64.to_literal();
    for _ in 0..150 {
        deep = collection(vec![deep]);
    }
    let mut inputs = add_inputs(1, 2, "x");
    inputs.literals.insert("a".into(), deep);
    let pod = LocalPod::new("deep", &template.encode_to_vec(), &inputs.encode_to_vec());
    let r = pod.run(BIN, &container_args(&template), &[]);
    let e = r.expect_error();
    assert_eq!(e.code, "USER:ValidationError");
    assert!(e.message.contains("recursion limit"), "{}", e.message);
    assert_eq!(r.files, ["error.pb"]);
}
