//! Reading cfssl's JSON the way cfssl (Go's `encoding/json`) reads it.
//!
//! Go matches object keys to struct fields without regard to case (`"cn"`
//! fills `CN`) and treats `null` as "not given". certkit does the same as it
//! reads a document member by member ([`Object`]) — so a file cfssl accepts
//! is accepted, while a misspelt field is still an error that names it.
//!
//! Stricter than Go where Go is lax in ways that hide mistakes: a key may
//! appear only once in an object ([`value`]), once in any spelling
//! ([`Object::new`]), and a member must have its field's JSON type.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use core::cell::Cell;

use serde_json::{Map, Value};

use crate::text::shown;
use crate::{Error, Result};

/// One JSON object read member by member into a struct of certkit's: a
/// member's name matches a field without regard to ASCII case, `null` means
/// "not given", an unknown member is an error that names it, and so is a
/// field given twice in two spellings.
///
/// A hand-written reader rather than serde's derive for the documents the
/// npm package reads (CSR requests, signing configs): the derive's generic
/// code, and the float formatting its error messages reach, were a fifth of
/// the first module and 7% of the second. Errors are one line and name the
/// member by its path (`key.size`, `names[1].C`); an absent member reads as
/// its default.
#[derive(Debug)]
pub struct Object<'v> {
    members: Vec<(&'static str, &'v Value)>,
    ignored: Vec<(&'static str, &'v Value)>,
    path: String,
}

impl<'v> Object<'v> {
    /// `value` as an object whose members are all among `fields`; `path`
    /// names it in errors ("" for the document itself).
    pub fn new(value: &'v Value, path: &str, fields: &[&'static str]) -> core::result::Result<Self, FieldError> {
        Self::ignoring(value, path, fields, &[])
    }

    /// [`Object::new`], also accepting the members named in `ignored` (in
    /// any case, holding anything) and setting them aside
    /// ([`Object::ignored`]): members cfssl reads that mean nothing to
    /// certkit. Errors list only `fields`.
    pub fn ignoring(
        value: &'v Value,
        path: &str,
        fields: &[&'static str],
        ignored: &[&'static str],
    ) -> core::result::Result<Self, FieldError> {
        let map = value.as_object().ok_or_else(|| match path {
            "" => FieldError::at("", "it must be a JSON object ({ … })".to_string()),
            _ => FieldError::at(path, alloc::format!("`{path}` must be an object ({{ … }})")),
        })?;
        let mut object = Object { members: Vec::new(), ignored: Vec::new(), path: path.to_string() };
        for (name, v) in map {
            if v.is_null() {
                continue;
            }
            if let Some(f) = ignored.iter().find(|f| f.eq_ignore_ascii_case(name)) {
                object.ignored.push((f, v));
                continue;
            }
            let field = fields
                .iter()
                .find(|f| **f == name)
                .or_else(|| fields.iter().find(|f| f.eq_ignore_ascii_case(name)))
                .ok_or_else(|| {
                    let name = shown(name);
                    let place = if path.is_empty() { String::new() } else { alloc::format!(" in `{path}`") };
                    let mut message = alloc::format!("unknown field `{name}`{place}, expected one of ");
                    for (i, f) in fields.iter().enumerate() {
                        message.push_str(if i == 0 { "`" } else { ", `" });
                        message.push_str(f);
                        message.push('`');
                    }
                    let at = if path.is_empty() { name.clone() } else { alloc::format!("{path}.{name}") };
                    FieldError::at(&at, message)
                })?;
            if object.get(field).is_some() {
                let at = object.path(field);
                return Err(FieldError::at(&at, alloc::format!("`{at}` is given twice, in two spellings; keep one")));
            }
            object.members.push((field, v));
        }
        Ok(object)
    }

    /// The ignored members that were given (not `null`), by the names
    /// [`Object::ignoring`] was given, with their values.
    pub fn ignored(&self) -> impl Iterator<Item = (&'static str, &'v Value)> + '_ {
        self.ignored.iter().copied()
    }

    /// The path of member `key`, as errors name it.
    pub fn path(&self, key: &str) -> String {
        if self.path.is_empty() { key.to_string() } else { alloc::format!("{}.{key}", self.path) }
    }

    /// Member `key`, if present and not `null`.
    pub fn get(&self, key: &str) -> Option<&'v Value> {
        self.members.iter().find(|(f, _)| *f == key).map(|(_, v)| *v)
    }

    /// A string member; "" when absent.
    pub fn string(&self, key: &str) -> core::result::Result<String, FieldError> {
        match self.get(key) {
            None => Ok(String::new()),
            Some(v) => string(v, &self.path(key)),
        }
    }

    /// A whole-number member that fits `T`; zero when absent. `range`
    /// describes what fits, for the error ("0 to 255").
    pub fn number<T: TryFrom<u64> + Default>(&self, key: &str, range: &str) -> core::result::Result<T, FieldError> {
        match self.get(key) {
            None => Ok(T::default()),
            Some(v) => v
                .as_u64()
                .and_then(|n| T::try_from(n).ok())
                .ok_or_else(|| self.wrong(key, &alloc::format!("must be a whole number from {range}"))),
        }
    }

    /// A whole-number member that may be negative (so a check after
    /// reading can say why it is not); zero when absent. `range` describes
    /// what is valid, for the error ("0 to 255").
    pub fn integer(&self, key: &str, range: &str) -> core::result::Result<i64, FieldError> {
        match self.get(key) {
            None => Ok(0),
            Some(v) => {
                v.as_i64().ok_or_else(|| self.wrong(key, &alloc::format!("must be a whole number from {range}")))
            }
        }
    }

    /// A string member, or `None` when absent.
    pub fn optional_string(&self, key: &str) -> core::result::Result<Option<String>, FieldError> {
        self.get(key).map(|v| string(v, &self.path(key))).transpose()
    }

    /// A true/false member; false when absent.
    pub fn boolean(&self, key: &str) -> core::result::Result<bool, FieldError> {
        match self.get(key) {
            None => Ok(false),
            Some(v) => v.as_bool().ok_or_else(|| self.wrong(key, "must be true or false")),
        }
    }

    /// A list member (empty when absent), each item read by `item` with
    /// its path (`hosts[2]`).
    pub fn list<T>(
        &self,
        key: &str,
        mut item: impl FnMut(&'v Value, &str) -> core::result::Result<T, FieldError>,
    ) -> core::result::Result<Vec<T>, FieldError> {
        match self.get(key) {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => {
                let path = self.path(key);
                items.iter().enumerate().map(|(i, v)| item(v, &alloc::format!("{path}[{i}]"))).collect()
            }
            Some(_) => Err(self.wrong(key, "must be a list ([ … ])")),
        }
    }

    /// An object member whose keys are names the user chose (signing
    /// profiles), kept as written; each entry is read by `entry` with its
    /// path (`signing.profiles.www`). `null` entries are "not given".
    pub fn map<T>(
        &self,
        key: &str,
        mut entry: impl FnMut(&'v Value, &str) -> core::result::Result<T, FieldError>,
    ) -> core::result::Result<Vec<(String, T)>, FieldError> {
        match self.get(key) {
            None => Ok(Vec::new()),
            Some(Value::Object(entries)) => {
                let path = self.path(key);
                entries
                    .iter()
                    .filter(|(_, v)| !v.is_null())
                    .map(|(name, v)| Ok((name.clone(), entry(v, &alloc::format!("{path}.{}", shown(name)))?)))
                    .collect()
            }
            Some(_) => Err(self.wrong(key, "must be an object ({ … })")),
        }
    }

    /// "`path` {what}", about member `key`.
    fn wrong(&self, key: &str, what: &str) -> FieldError {
        let at = self.path(key);
        FieldError::at(&at, alloc::format!("`{at}` {what}"))
    }
}

/// What is wrong with one member of a JSON document, and its path.
#[derive(Debug)]
pub struct FieldError {
    /// The member's path (`key.size`, `hosts[2]`); "" for the document.
    pub field: String,
    /// The one-line message.
    pub detail: String,
}

impl FieldError {
    fn at(field: &str, detail: String) -> Self {
        FieldError { field: field.to_string(), detail }
    }

    /// The error for input `what`.
    pub fn into_error(self, what: &str) -> Error {
        if self.field.is_empty() {
            Error::Json { detail: self.detail }.in_input(what)
        } else {
            Error::JsonField { field: self.field, detail: self.detail }.in_input(what)
        }
    }
}

/// `value` as a string; `path` names it in the error.
pub fn string(value: &Value, path: &str) -> core::result::Result<String, FieldError> {
    value
        .as_str()
        .map(ToString::to_string)
        .ok_or_else(|| FieldError::at(path, alloc::format!("`{path}` must be a string (in quotes)")))
}

/// Most JSON values (objects, arrays, strings, numbers…) a cfssl CSR request
/// or signing config may hold: real ones hold a few hundred.
pub const MAX_VALUES: usize = 100_000;

/// A cfssl document (a CSR request, a signing config) as a [`Value`]: at
/// most [`MAX_INPUT_LEN`] bytes and [`MAX_VALUES`] values, read by [`value`].
pub fn document(bytes: &[u8], what: &str) -> Result<Value> {
    crate::error::within_limit(bytes, what)?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::Json { detail: "it is empty; give a JSON object ({ … })".into() }.in_input(what));
    }
    value(bytes, what, MAX_VALUES)
}

/// Parses JSON into a [`Value`], refusing an object that repeats a key (Go
/// keeps the last one silently, which hides a mistyped duplicate) and input
/// of more than `max_values` values, before they are all in memory: a value
/// costs tens of bytes however small its text, so the count, not the input
/// size, bounds the memory.
pub fn value(bytes: &[u8], what: &str, max_values: usize) -> Result<Value> {
    let budget = Cell::new(max_values);
    let repeated = Cell::new(None);
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let seed = Strict { budget: &budget, repeated: &repeated, place: None };
    serde::de::DeserializeSeed::deserialize(seed, &mut de).and_then(|v| de.end().map(|()| v)).map_err(|e| {
        let (what, detail) = (what.to_string(), e.to_string());
        match repeated.take() {
            Some(field) => Error::JsonField { field, detail }.in_input(what),
            None => Error::Json { detail }.in_input(what),
        }
    })
}

/// The reader of [`value`]: counts values against the budget, and on a
/// repeated key leaves its path in `repeated` (serde's error carries only
/// text), which `place` (this value's place in the document) makes.
#[derive(Clone, Copy)]
struct Strict<'a, 'p> {
    budget: &'a Cell<usize>,
    repeated: &'a Cell<Option<String>>,
    place: Option<&'p Place<'p>>,
}

/// Where a value is: a member or item of its parent's value.
struct Place<'p> {
    parent: Option<&'p Place<'p>>,
    step: Step<'p>,
}

enum Step<'p> {
    Member(&'p str),
    Item(usize),
}

impl Place<'_> {
    /// The path of this place, as the readers' errors write it:
    /// `signing.profiles.www.usages[1]`.
    fn path(&self) -> String {
        let mut path = self.parent.map(Place::path).unwrap_or_default();
        match self.step {
            Step::Member(name) => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(&shown(name));
            }
            Step::Item(i) => path.push_str(&alloc::format!("[{i}]")),
        }
        path
    }
}

impl Strict<'_, '_> {
    fn count<E: serde::de::Error>(&self) -> core::result::Result<(), E> {
        match self.budget.get().checked_sub(1) {
            Some(left) => {
                self.budget.set(left);
                Ok(())
            }
            None => Err(E::custom("it holds too many JSON values (objects, arrays, strings, numbers); split it up")),
        }
    }

    /// The reader of the value at `step` within this one.
    fn at<'q>(&self, step: &'q Place<'q>) -> Strict<'_, 'q> {
        Strict { budget: self.budget, repeated: self.repeated, place: Some(step) }
    }
}

impl<'de> serde::de::DeserializeSeed<'de> for Strict<'_, '_> {
    type Value = Value;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> core::result::Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Strict<'_, '_> {
    type Value = Value;

    fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E: serde::de::Error>(self, v: bool) -> core::result::Result<Value, E> {
        self.count()?;
        Ok(Value::Bool(v))
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> core::result::Result<Value, E> {
        self.count()?;
        Ok(Value::from(v))
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> core::result::Result<Value, E> {
        self.count()?;
        Ok(Value::from(v))
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> core::result::Result<Value, E> {
        self.count()?;
        Ok(Value::from(v))
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> core::result::Result<Value, E> {
        self.count()?;
        Ok(Value::String(v.to_string()))
    }
    fn visit_string<E: serde::de::Error>(self, v: String) -> core::result::Result<Value, E> {
        self.count()?;
        Ok(Value::String(v))
    }
    fn visit_unit<E: serde::de::Error>(self) -> core::result::Result<Value, E> {
        self.count()?;
        Ok(Value::Null)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> core::result::Result<Value, A::Error> {
        self.count()?;
        let mut items = Vec::new();
        loop {
            let place = Place { parent: self.place, step: Step::Item(items.len()) };
            match seq.next_element_seed(self.at(&place))? {
                Some(v) => items.push(v),
                None => break,
            }
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> core::result::Result<Value, A::Error> {
        self.count()?;
        let mut obj = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let place = Place { parent: self.place, step: Step::Member(&key) };
            if obj.contains_key(&key) {
                let path = place.path();
                let e = serde::de::Error::custom(alloc::format!("`{path}` appears twice; keep one"));
                self.repeated.set(Some(path));
                return Err(e);
            }
            let v = map.next_value_seed(self.at(&place))?;
            obj.insert(key, v);
        }
        Ok(Value::Object(obj))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cfssl::request::CsrRequest;

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
        // Each object's own fields: a names entry's `serialnumber` is its
        // `SerialNumber`, not the request's `serialnumber`.
        let r =
            CsrRequest::from_json(br#"{"names":[{"serialnumber":"42","c":"US"}],"SERIALNUMBER":"7"}"#, "c").unwrap();
        assert_eq!((r.names[0].serial_number.as_str(), r.names[0].country.as_str()), ("42", "US"));
        assert_eq!(r.serial_number, "7");
        let e = CsrRequest::from_json(br#"{"CN":"x","hostz":[]}"#, "c").unwrap_err();
        assert!(e.to_string().contains("hostz"), "{e}");
    }

    #[test]
    fn json_that_go_would_misread_is_refused() {
        for (input, says) in [
            (&br#"["web.example.com"]"#[..], "must be a JSON object"),
            (b" \n", "c is not valid: it is empty; give a JSON object"),
            (br#""web""#, "must be a JSON object"),
            (br#"{"CN":"a","CN":"b"}"#, "`CN` appears twice; keep one at line 1 column"),
            (br#"{"a\nb":1,"a\nb":2}"#, "`a\\u{a}b` appears twice"),
            (br#"{"CN":"a","\u001b[2J":1}"#, "unknown field `\\u{1b}[2J`"),
            (br#"{"CN":"a","key":["rsa",2048]}"#, "`key` must be an object"),
            (br#"{"CN":"a","names":[["US"]]}"#, "`names[0]` must be an object"),
            (br#"{"CN":"a","cn":"b"}"#, "`CN` is given twice"),
            (br#"{"CN":"a","key":{"algo":"rsa","size":2048.5}}"#, "`key.size` must be a whole number"),
            (br#"{"CN":"a","key":{"algo":"rsa","size":-1}}"#, "`key.size` must be a whole number"),
            (br#"{"CN":"a","ca":{"pathlen":256}}"#, "`ca.pathlen` must be a whole number from 0 to 255"),
            (br#"{"CN":"a","ca":{"pathlenzero":"yes"}}"#, "`ca.pathlenzero` must be true or false"),
            (br#"{"CN":"a","hosts":"a.example"}"#, "`hosts` must be a list"),
            (br#"{"CN":"a","hosts":["a.example",7]}"#, "`hosts[1]` must be a string"),
            (br#"{"CN":7}"#, "`CN` must be a string"),
            (br#"{"CN":"a","names":[{"C":"US","X":"y"}]}"#, "unknown field `X` in `names[0]`"),
            (br#"{"CN":"a","key":{"sise":256}}"#, "unknown field `sise` in `key`, expected one of `algo`, `size`"),
        ] {
            let e = CsrRequest::from_json(input, "c").unwrap_err().to_string();
            assert!(e.contains(says), "{}: {e}", String::from_utf8_lossy(input));
        }
        let e = crate::cfssl::profile::SigningConfig::from_json(br#"{"signing":{"default":["x"]}}"#, "c").unwrap_err();
        assert!(e.to_string().contains("`signing.default` must be an object"), "{e}");
    }

    #[test]
    fn a_wrong_member_is_named_by_its_path() {
        for (input, field) in [
            (&br#"{"CN":"a","key":{"size":"big"}}"#[..], Some("key.size")),
            (br#"{"CN":"a","hostz":[]}"#, Some("hostz")),
            (br#"{"CN":"a","names":[{"C":"US"},{"X":"y"}]}"#, Some("names[1].X")),
            (br#"{"CN":"a","hosts":["ok",1]}"#, Some("hosts[1]")),
            (br#"{"CN":"a","CN":"a"}"#, Some("CN")),
            (br#"{"CN":"a","names":[{"C":"US"},{"O":"x","C":"US","C":"DE"}]}"#, Some("names[1].C")),
            (br#"{"CN":"a","names":[[{"a\u0007":1,"a\u0007":2}]]}"#, Some("names[0][0].a\\u{7}")),
            (br#"["a"]"#, None),
            (br#"{"CN":"a""#, None),
        ] {
            let e = CsrRequest::from_json(input, "c").unwrap_err();
            assert_eq!(e.field().as_deref(), field, "{e}");
            assert!(e.to_string().starts_with("c is not valid: "), "{e}");
        }
    }

    #[test]
    fn a_repeated_config_member_is_named_by_its_path() {
        let e = crate::cfssl::profile::SigningConfig::from_json(
            br#"{"signing":{"profiles":{"www":{"usages":["server auth"],"expiry":"1h","expiry":"2h"}}}}"#,
            "c",
        )
        .unwrap_err();
        assert_eq!(e.field().as_deref(), Some("signing.profiles.www.expiry"), "{e}");
        assert!(
            e.to_string().starts_with("c is not valid: `signing.profiles.www.expiry` appears twice; keep one"),
            "{e}"
        );
    }

    #[test]
    fn profile_names_keep_their_case() {
        let cfg = crate::cfssl::profile::SigningConfig::from_json(
            br#"{"Signing":{"Profiles":{"Server":{"Usages":["server auth"],"EXPIRY":"1h"}}}}"#,
            "c",
        )
        .unwrap();
        assert!(cfg.profile(Some("Server")).is_ok());
    }
}
