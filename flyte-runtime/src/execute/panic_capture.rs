//! Catching a panic in an executor and reporting where it happened.
//!
//! A process-wide panic hook (installed once, chaining to the previous one for panics
//! elsewhere) records the message and location of a panic raised while an executor's future
//! is polled; the future is polled under `catch_unwind`, so the panic becomes a
//! [`Failure`](super::Failure) instead of tearing down the process.

use std::any::Any;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::pin;
use std::sync::{Arc, Mutex, Once, PoisonError};
use std::task::Poll;

tokio::task_local! {
    static PANIC_SLOT: Arc<Mutex<Option<String>>>;
}

fn install_hook() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let report = match info.location() {
                Some(l) => format!(
                    "panicked at {}:{}:{}: {}",
                    l.file(),
                    l.line(),
                    l.column(),
                    payload_message(info.payload())
                ),
                None => format!("panicked: {}", payload_message(info.payload())),
            };
            match PANIC_SLOT.try_with(Arc::clone) {
                Ok(slot) => *slot.lock().unwrap_or_else(PoisonError::into_inner) = Some(report),
                // A panic outside an executor goes to the previous hook, unless its message
                // holds a secret value: then only the redacted report is printed.
                Err(_) => match crate::context::redact(&report) {
                    std::borrow::Cow::Borrowed(_) => previous(info),
                    std::borrow::Cow::Owned(clean) => eprintln!("thread panicked {clean}"),
                },
            }
        }));
    });
}

/// The text of a panic payload (`panic!("…")` gives a `&str` or a `String`).
pub(crate) fn payload_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic with a non-text payload".to_string()
    }
}

/// Runs `fut`; a panic while polling it is returned as `Err("panicked at file:line:col: msg")`.
pub(crate) async fn catch_panic<F: Future>(fut: F) -> Result<F::Output, String> {
    install_hook();
    let slot = Arc::new(Mutex::new(None));
    let mut scoped = pin!(PANIC_SLOT.scope(Arc::clone(&slot), fut));
    let outcome = std::future::poll_fn(|cx| {
        match catch_unwind(AssertUnwindSafe(|| scoped.as_mut().poll(cx))) {
            Ok(Poll::Ready(v)) => Poll::Ready(Ok(v)),
            Ok(Poll::Pending) => Poll::Pending,
            Err(payload) => Poll::Ready(Err(payload)),
        }
    })
    .await;
    outcome.map_err(|payload| {
        slot.lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
            .unwrap_or_else(|| format!("panicked: {}", payload_message(payload.as_ref())))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_a_report_with_its_location() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let r = rt.block_on(catch_panic(async {
            if std::hint::black_box(true) {
                panic!("boom {}", 7);
            }
        }));
        let report = r.unwrap_err();
        assert!(report.starts_with("panicked at "), "{report}");
        assert!(report.contains("panic_capture.rs:"), "{report}");
        assert!(report.ends_with("boom 7"), "{report}");
        assert_eq!(rt.block_on(catch_panic(async { 5 })), Ok(5));
    }
}
