//! Helm values: the chart's `values.yaml` and each `-f` file merged in order, later wins,
//! maps merged key by key (Helm's `MergeValues` then `CoalesceValues`), every leaf keeping the
//! line that set it and the lines it overrode.
//!
//! Values reach the templates the way Helm reads them: YAML through JSON (`sigs.k8s.io/yaml`),
//! so every number is a float64 (`32148` prints `32148`, `1000000` prints `1e+06`) and a null
//! prints nothing. A null in a later file removes the key (Helm deletes it); here it stays as
//! a null with its line, which renders and tests the same way.

use indexmap::IndexMap;

use crate::resolve::env_layers::EnvOrigin;
use crate::source::Span;
use crate::syntax::yaml::{YamlNode, YamlValue};

/// A merged value with its provenance.
#[derive(Clone, Debug, PartialEq)]
pub struct Value {
    /// The value.
    pub kind: Kind,
    /// The values-file line that set it (key and value spans); none for a whole document.
    pub origin: Option<EnvOrigin>,
    /// The lines of earlier files it replaced, oldest first.
    pub overrides: Vec<EnvOrigin>,
}

/// A value as a Go template sees it.
#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    /// `nil`.
    Null,
    /// A bool.
    Bool(bool),
    /// A number (always float64 after Helm's JSON round trip).
    Number(f64),
    /// A string.
    Str(String),
    /// A list.
    List(Vec<Value>),
    /// A map.
    Map(IndexMap<String, Value>),
}

/// What a field path reaches.
#[derive(Debug, PartialEq)]
pub enum Lookup<'v> {
    /// A value (possibly null).
    Found(&'v Value),
    /// The last key is missing from its map: the template sees nil.
    Missing,
    /// A key before the last reached nil or a non-map: Helm fails with this message.
    Fails(String),
}

impl Value {
    /// An empty map (the values of a chart without any values file).
    pub fn empty() -> Value {
        Value {
            kind: Kind::Map(IndexMap::new()),
            origin: None,
            overrides: Vec::new(),
        }
    }

    /// A value without provenance.
    pub fn plain(kind: Kind) -> Value {
        Value {
            kind,
            origin: None,
            overrides: Vec::new(),
        }
    }

    /// Converts a YAML document, recording each entry's key and value spans.
    pub fn from_yaml(node: &YamlNode, origin: Option<EnvOrigin>) -> Value {
        let kind = match &node.value {
            YamlValue::Null => Kind::Null,
            YamlValue::Bool(b) => Kind::Bool(*b),
            YamlValue::Int(i) => Kind::Number(*i as f64),
            YamlValue::Float(f) => Kind::Number(*f),
            YamlValue::Str { text, .. } => Kind::Str(text.clone()),
            YamlValue::Seq(items) => {
                Kind::List(items.iter().map(|i| Value::from_yaml(i, None)).collect())
            }
            YamlValue::Map(entries) => Kind::Map(
                entries
                    .iter()
                    .map(|e| {
                        let origin = EnvOrigin::File {
                            key_span: e.key_span,
                            value_span: e.value.span,
                        };
                        (e.key.clone(), Value::from_yaml(&e.value, Some(origin)))
                    })
                    .collect(),
            ),
        };
        Value {
            kind,
            origin,
            overrides: Vec::new(),
        }
    }

    /// Merges `over` on top of `self`: maps key by key, anything else replaced.
    pub fn merge(&mut self, over: Value) {
        match (&mut self.kind, over.kind) {
            (Kind::Map(mine), Kind::Map(theirs)) => {
                for (key, value) in theirs {
                    match mine.get_mut(&key) {
                        Some(existing)
                            if matches!(existing.kind, Kind::Map(_))
                                && matches!(value.kind, Kind::Map(_)) =>
                        {
                            if let Some(o) = existing.origin.take() {
                                existing.overrides.push(o);
                            }
                            existing.origin = value.origin.clone();
                            existing.merge(value);
                        }
                        Some(existing) => {
                            let mut overrides = std::mem::take(&mut existing.overrides);
                            overrides.extend(existing.origin.take());
                            *existing = Value { overrides, ..value };
                        }
                        None => {
                            mine.insert(key, value);
                        }
                    }
                }
            }
            (_, kind) => {
                let old = std::mem::replace(&mut self.kind, kind);
                drop(old);
                if let Some(o) = self.origin.take() {
                    self.overrides.push(o);
                }
                self.origin = over.origin;
            }
        }
    }

    /// The value at a dotted path (`node_configs.networking.ANYLOG_SERVER_PORT`).
    pub fn lookup(&self, path: &str) -> Lookup<'_> {
        let mut node = self;
        let mut keys = path.split('.').peekable();
        while let Some(key) = keys.next() {
            let Kind::Map(map) = &node.kind else {
                return Lookup::Fails(match node.kind {
                    Kind::Null => format!("nil pointer evaluating interface {{}}.{key}"),
                    _ => format!("can't evaluate field {key} in type {}", node.go_type()),
                });
            };
            match map.get(key) {
                Some(v) => node = v,
                None if keys.peek().is_none() => return Lookup::Missing,
                None => {
                    let next = keys.next().unwrap_or_default();
                    return Lookup::Fails(format!("nil pointer evaluating interface {{}}.{next}"));
                }
            }
        }
        Lookup::Found(node)
    }

    /// Go's name of the type, for messages.
    pub fn go_type(&self) -> &'static str {
        match self.kind {
            Kind::Null => "interface {}",
            Kind::Bool(_) => "bool",
            Kind::Number(_) => "float64",
            Kind::Str(_) => "string",
            Kind::List(_) => "[]interface {}",
            Kind::Map(_) => "map[string]interface {}",
        }
    }

    /// Go template truth (`if`): false, 0, nil and empty strings, lists and maps are false.
    pub fn is_true(&self) -> bool {
        match &self.kind {
            Kind::Null => false,
            Kind::Bool(b) => *b,
            Kind::Number(n) => *n != 0.0,
            Kind::Str(s) => !s.is_empty(),
            Kind::List(l) => !l.is_empty(),
            Kind::Map(m) => !m.is_empty(),
        }
    }

    /// How `{{ value }}` prints it (Go's `%v`; nil prints nothing, as Helm strips `<no value>`).
    pub fn print(&self) -> String {
        match &self.kind {
            Kind::Null => String::new(),
            Kind::Bool(b) => b.to_string(),
            Kind::Number(n) => go_float(*n),
            Kind::Str(s) => s.clone(),
            Kind::List(items) => {
                let inner: Vec<String> = items.iter().map(Value::print_nested).collect();
                format!("[{}]", inner.join(" "))
            }
            Kind::Map(map) => {
                let mut keys: Vec<&String> = map.keys().collect();
                keys.sort();
                let inner: Vec<String> = keys
                    .iter()
                    .map(|k| format!("{k}:{}", map[*k].print_nested()))
                    .collect();
                format!("map[{}]", inner.join(" "))
            }
        }
    }

    fn print_nested(&self) -> String {
        match self.kind {
            Kind::Null => "<nil>".into(),
            _ => self.print(),
        }
    }

    /// The span of the value as written, when it came from a file.
    pub fn value_span(&self) -> Option<Span> {
        match self.origin {
            Some(EnvOrigin::File { value_span, .. }) => Some(value_span),
            _ => None,
        }
    }
}

/// Go's `%v` of a float64: the shortest decimal that round-trips, in `%e` form when the
/// exponent is below -4 or at least 6 (`strconv.FormatFloat(f, 'g', -1, 64)` decides with
/// precision 6 for the shortest form).
pub fn go_float(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf" } else { "-Inf" }.into();
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0" } else { "0" }.into();
    }
    let sci = format!("{f:e}"); // shortest round-trip digits, e.g. 1.234567e6
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if !(-4..6).contains(&exp) {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exp.abs())
    } else {
        format!("{f}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Diagnostics;
    use crate::source::FileId;
    use crate::syntax::yaml::parse_yaml;

    fn doc(file: u32, text: &str) -> Value {
        let mut d = Diagnostics::new();
        Value::from_yaml(&parse_yaml(FileId(file), text, &mut d)[0], None)
    }

    #[test]
    fn floats_print_as_go_prints_float64() {
        assert_eq!(go_float(32148.0), "32148");
        assert_eq!(go_float(123456.0), "123456");
        assert_eq!(go_float(1_000_000.0), "1e+06");
        assert_eq!(go_float(1_234_567.0), "1.234567e+06");
        assert_eq!(go_float(0.5), "0.5");
        assert_eq!(go_float(0.00001), "1e-05");
        assert_eq!(go_float(-3.0), "-3");
    }

    #[test]
    fn later_files_win_key_by_key_and_remember_what_they_overrode() {
        // (`y` and `n` would be booleans in YAML 1.1, keys included.)
        let mut v = doc(0, "sec:\n  a: 1\n  b: x\n");
        v.merge(doc(1, "sec:\n  b: z\n"));
        let Lookup::Found(b) = v.lookup("sec.b") else {
            panic!()
        };
        assert_eq!(b.print(), "z");
        assert_eq!(b.value_span().unwrap().file, FileId(1));
        assert_eq!(b.overrides.len(), 1);
        let Lookup::Found(a) = v.lookup("sec.a") else {
            panic!()
        };
        assert_eq!(a.print(), "1");
        assert_eq!(v.lookup("sec.c"), Lookup::Missing);
        assert!(matches!(v.lookup("m.c"), Lookup::Fails(m) if m.contains("nil pointer")));
    }

    #[test]
    fn truth_and_printing_follow_go_templates() {
        let v = doc(0, "a: \"\"\nb: 0\nc: false\nd: [1, x]\ne: ~\n");
        for (k, truth) in [
            ("a", false),
            ("b", false),
            ("c", false),
            ("d", true),
            ("e", false),
        ] {
            let Lookup::Found(x) = v.lookup(k) else {
                panic!()
            };
            assert_eq!(x.is_true(), truth, "{k}");
        }
        let Lookup::Found(d) = v.lookup("d") else {
            panic!()
        };
        assert_eq!(d.print(), "[1 x]");
    }
}
