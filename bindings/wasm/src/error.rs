//! Every failure that crosses into JavaScript, and the one conversion that turns it into a JS
//! `Error` with a stable `code` property (listed in npm/index.d.ts as `ErrorCode`).

use cairn_core::conformance::Failure;
use cairn_core::{IoError, StoreError};
use wasm_bindgen::JsValue;

use crate::js;

pub enum Error {
    Store(StoreError),
    /// A malformed argument from JS, such as a hash that is not 32 base32 characters.
    InvalidArgument(String),
    Conformance(Failure),
}

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Self {
        Error::Store(e)
    }
}

impl From<IoError> for Error {
    fn from(e: IoError) -> Self {
        Error::Store(StoreError::Io(e))
    }
}

impl From<Failure> for Error {
    fn from(e: Failure) -> Self {
        Error::Conformance(e)
    }
}

impl Error {
    fn code(&self) -> &'static str {
        match self {
            Error::Store(e) => match e {
                StoreError::Io(_) => "IO",
                StoreError::Manifest(_)
                | StoreError::CorruptTable { .. }
                | StoreError::CorruptChunk { .. } => "CORRUPT",
                StoreError::MissingTable { .. } | StoreError::MissingChunk { .. } => "MISSING",
                StoreError::ChunkTooLarge { .. } => "INVALID_ARGUMENT",
                StoreError::Conflict { .. } => "CONFLICT",
                StoreError::Busy => "BUSY",
            },
            Error::InvalidArgument(_) => "INVALID_ARGUMENT",
            Error::Conformance(_) => "CONFORMANCE",
        }
    }
}

impl From<Error> for JsValue {
    fn from(e: Error) -> JsValue {
        let message = match &e {
            Error::Store(e) => e.to_string(),
            Error::InvalidArgument(m) => m.clone(),
            Error::Conformance(f) => f.to_string(),
        };
        let error: JsValue = js_sys::Error::new(&message).into();
        js::set(&error, "code", e.code().into());
        // What a caller needs to act on the failure without parsing the message.
        match &e {
            Error::Store(StoreError::Conflict { expected, actual }) => {
                js::set(&error, "expected", expected.to_base32().into());
                js::set(&error, "actual", actual.to_base32().into());
            }
            Error::Conformance(f) => js::set(&error, "check", f.check.into()),
            _ => {}
        }
        error
    }
}
