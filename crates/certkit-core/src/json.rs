//! Reading cfssl's JSON the way cfssl (Go's `encoding/json`) reads it.
//!
//! Go matches object keys to struct fields without regard to case (`"cn"`
//! fills `CN`) and treats `null` as "not given". certkit does the same
//! before its strict, typed parse — so a file cfssl accepts is accepted,
//! while a misspelt field is still an error that names it.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::{Error, MAX_INPUT_LEN, Result};

/// Parses `bytes` as `T`, after folding each object key that matches one of
/// `fields` without regard to ASCII case onto that spelling, and dropping
/// `null` members. Keys of the objects named in `maps` (such as `profiles`,
/// whose keys are user-chosen names) are left as they are.
pub fn parse<T: DeserializeOwned>(bytes: &[u8], what: &str, fields: &[&str], maps: &[&str]) -> Result<T> {
    if bytes.len() > MAX_INPUT_LEN {
        return Err(Error::InputTooLarge { what: what.to_string(), len: bytes.len(), max: MAX_INPUT_LEN });
    }
    let json_err = |e: serde_json::Error| Error::Json { what: what.to_string(), detail: e.to_string() };
    let mut value: Value = serde_json::from_slice(bytes).map_err(json_err)?;
    normalize(&mut value, fields, maps, false, 0);
    serde_json::from_value(value).map_err(json_err)
}

fn normalize(v: &mut Value, fields: &[&str], maps: &[&str], is_map: bool, depth: usize) {
    // serde_json already bounds nesting at 128 levels; this bound is a second guard.
    if depth > 64 {
        return;
    }
    match v {
        Value::Object(obj) => {
            let old = core::mem::take(obj);
            let mut new = Map::new();
            for (k, mut val) in old {
                if val.is_null() {
                    continue;
                }
                let key: String = if is_map {
                    k
                } else {
                    match fields.iter().find(|f| f.eq_ignore_ascii_case(&k)) {
                        Some(f) if !new.contains_key(*f) => f.to_string(),
                        _ => k,
                    }
                };
                let child_is_map = !is_map && maps.contains(&key.as_str());
                normalize(&mut val, fields, maps, child_is_map, depth + 1);
                new.insert(key, val);
            }
            *obj = new;
        }
        Value::Array(items) => {
            let taken: Vec<Value> = core::mem::take(items);
            *items = taken
                .into_iter()
                .map(|mut i| {
                    normalize(&mut i, fields, maps, false, depth + 1);
                    i
                })
                .collect();
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::CsrRequest;

    #[test]
    fn keys_fold_like_go_and_nulls_vanish() {
        let r = CsrRequest::from_json(
            br#"{"cn":"x","HOSTS":["a.example"],"Key":{"ALGO":"rsa","Size":2048},"names":null}"#,
            "c",
        )
        .unwrap();
        assert_eq!(r.cn, "x");
        assert_eq!(r.hosts, ["a.example"]);
        assert_eq!(r.key.unwrap().size, 2048);
        let e = CsrRequest::from_json(br#"{"CN":"x","hostz":[]}"#, "c").unwrap_err();
        assert!(e.to_string().contains("hostz"), "{e}");
    }

    #[test]
    fn profile_names_keep_their_case() {
        let cfg = crate::profile::SigningConfig::from_json(
            br#"{"Signing":{"Profiles":{"Server":{"Usages":["server auth"],"EXPIRY":"1h"}}}}"#,
            "c",
        )
        .unwrap();
        assert!(cfg.profile(Some("Server")).is_ok());
    }
}
