//! Where a store across the network is: `objectStorePlace` and `httpStorePlace` spell the
//! place an `s3://`, `az://` or `http(s)://` URL names, with the native CLI's parser. The
//! clients themselves are a module of their own, cairn-wasm-net (bindings/wasm-net), loaded the
//! first time such a store is opened.

use cairn_cli::url::{parse_bucket, parse_http};
use wasm_bindgen::prelude::*;

use crate::error::Error;

/// One spelling of the place an `s3://` or `az://` URL names, so that two URLs compare equal
/// whatever their parameters' order or slashes.
#[wasm_bindgen(js_name = objectStorePlace)]
pub fn object_store_place(url: &str) -> Result<String, Error> {
    parse_bucket(url)
        .map(|b| b.to_string())
        .map_err(Error::InvalidArgument)
}

/// One spelling of the store an `http://` or `https://` URL names (host in lower case, no
/// doubled or trailing slashes), so that two spellings compare equal.
#[wasm_bindgen(js_name = httpStorePlace)]
pub fn http_store_place(url: &str) -> Result<String, Error> {
    parse_http(url)
        .map(|location| location.to_string())
        .map_err(Error::InvalidArgument)
}
