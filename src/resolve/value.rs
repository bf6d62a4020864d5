//! The values the EdgeLake runtime works with after resolution, and the seam through which
//! the resolver asks for variables.

use std::borrow::Cow;
use std::fmt;

/// A value as the runtime holds it after resolution: Python's `str`, `int`, `float`, `bool`.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A string (every dictionary variable and every literal word is one).
    Str(String),
    /// An integer (only casts such as `.int`, `.len` produce one).
    Int(i64),
    /// A float (only `.float`).
    Float(f64),
    /// A boolean (only `.bool`).
    Bool(bool),
}

impl Value {
    /// [`Value::to_python_str`] without copying a string value.
    pub fn into_python_str(self) -> String {
        match self {
            Value::Str(s) => s,
            other => other.to_python_str(),
        }
    }

    /// Python `str(value)`: what the runtime prints or stores for it.
    pub fn to_python_str(&self) -> String {
        match self {
            Value::Str(s) => s.clone(),
            Value::Int(i) => i.to_string(),
            Value::Float(f) => python_float_repr(*f),
            Value::Bool(true) => "True".to_string(),
            Value::Bool(false) => "False".to_string(),
        }
    }

    /// Python truthiness (`""`, `0`, `0.0`, `False` are false; the string `"false"` is true).
    pub fn is_truthy(&self) -> bool {
        match self {
            Value::Str(s) => !s.is_empty(),
            Value::Int(i) => *i != 0,
            Value::Float(f) => *f != 0.0,
            Value::Bool(b) => *b,
        }
    }

    /// The string, when this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The value as JSON (a float that is not finite becomes its Python spelling as a string).
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Value::Str(s) => serde_json::Value::String(s.clone()),
            Value::Int(i) => serde_json::Value::from(*i),
            Value::Float(f) => serde_json::Number::from_f64(*f)
                .map(serde_json::Value::Number)
                .unwrap_or_else(|| serde_json::Value::String(python_float_repr(*f))),
            Value::Bool(b) => serde_json::Value::Bool(*b),
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_python_str())
    }
}

/// Python's `repr(float)`: shortest round-trip digits, `1.0`, `1e+16`, `1e-05`, `nan`, `inf`.
pub fn python_float_repr(f: f64) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf".into() } else { "-inf".into() };
    }
    // Rust's `{:e}` gives the shortest round-trip digits as `d.ddde<exp>`.
    let sci = format!("{:e}", f);
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let (negative, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => (true, m),
        None => (false, mantissa),
    };
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let sign = if negative { "-" } else { "" };
    if (-4..16).contains(&exp) {
        // positional notation
        let point = exp + 1; // digits before the decimal point
        let body = if point <= 0 {
            format!("0.{}{}", "0".repeat((-point) as usize), digits)
        } else if point as usize >= digits.len() {
            format!("{}{}.0", digits, "0".repeat(point as usize - digits.len()))
        } else {
            format!(
                "{}.{}",
                &digits[..point as usize],
                &digits[point as usize..]
            )
        };
        format!("{sign}{body}")
    } else {
        let mut m = digits[..1].to_string();
        if digits.len() > 1 {
            m.push('.');
            m.push_str(&digits[1..]);
        }
        let exp_sign = if exp < 0 { '-' } else { '+' };
        format!("{sign}{m}e{exp_sign}{:02}", exp.abs())
    }
}

/// What a variable name holds when the resolver asks for it.
#[derive(Clone, Debug, PartialEq)]
pub enum Lookup<'a> {
    /// Defined, with this (string) value (borrowed from the variables when they hold it: most
    /// look-ups only read the value).
    Defined(Cow<'a, str>),
    /// Not defined: the runtime reads `""`.
    Undefined,
    /// Only the node knows it at boot (its IP, its hostname, a value a processed script sets).
    AtBoot,
}

/// The variables a reference can read: the node's dictionary (`!name`) and its process
/// environment (`$NAME`).
pub trait Variables {
    /// The dictionary variable `name` (without the `!`).
    fn param(&self, name: &str) -> Lookup<'_>;
    /// The environment variable `name` (without the `$`).
    fn env(&self, name: &str) -> Lookup<'_>;
}

/// What a word resolves to.
#[derive(Clone, Debug, PartialEq)]
pub enum Resolved {
    /// Known now.
    Known(Value),
    /// Known only on the node at boot; `depends_on` names the variables (`!ip`, `$HOME`) that decide it.
    AtBoot {
        /// The references, as written (`!ip`, `$DNS_DOMAIN`), that only the node knows.
        depends_on: Vec<String>,
    },
}

impl Resolved {
    /// A known string.
    pub fn str(s: impl Into<String>) -> Resolved {
        Resolved::Known(Value::Str(s.into()))
    }
}

#[cfg(test)]
mod tests {
    use super::python_float_repr as r;

    #[test]
    fn float_repr_matches_python() {
        assert_eq!(r(1.0), "1.0");
        assert_eq!(r(1.5), "1.5");
        assert_eq!(r(1e16), "1e+16");
        assert_eq!(r(1e-5), "1e-05");
        assert_eq!(r(0.0001), "0.0001");
        assert_eq!(r(123456789012345.0), "123456789012345.0");
        assert_eq!(r(1.2345678901234568e29), "1.2345678901234568e+29");
        assert_eq!(r(18446744073709551616.0), "1.8446744073709552e+19");
        assert_eq!(r(-2.5), "-2.5");
        assert_eq!(r(f64::NAN), "nan");
        assert_eq!(r(0.1), "0.1");
    }
}
