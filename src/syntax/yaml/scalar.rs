//! Scalars typed as go-yaml v2 (`resolve.go`) types them, the way Helm and kubectl read YAML.

use saphyr_parser::ScalarStyle;

use super::{YamlNode, YamlValue};

/// A mapping key as a string (go-yaml turns scalar keys into their text).
pub(super) fn key_text(node: &YamlNode) -> String {
    match &node.value {
        YamlValue::Str { text, .. } => text.clone(),
        YamlValue::Null => "null".into(),
        YamlValue::Bool(b) => b.to_string(),
        YamlValue::Int(i) => i.to_string(),
        YamlValue::Float(f) => f.to_string(),
        YamlValue::Seq(_) | YamlValue::Map(_) => "<complex key>".into(),
    }
}

/// Types a scalar as go-yaml v2 does (`resolve.go`).
pub(super) fn scalar(text: &str, style: ScalarStyle, tag: Option<&str>) -> YamlValue {
    let string = |plain| YamlValue::Str {
        text: text.to_string(),
        plain,
    };
    if style != ScalarStyle::Plain || tag.is_some_and(|t| t.ends_with(":str") || t == "!!str") {
        return string(false);
    }
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return YamlValue::Null,
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "true" | "True" | "TRUE" => {
            return YamlValue::Bool(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" | "false" | "False" | "FALSE" => {
            return YamlValue::Bool(false)
        }
        ".nan" | ".NaN" | ".NAN" => return YamlValue::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return YamlValue::Float(f64::INFINITY)
        }
        "-.inf" | "-.Inf" | "-.INF" => return YamlValue::Float(f64::NEG_INFINITY),
        _ => {}
    }
    let first = text.as_bytes()[0];
    if first.is_ascii_digit() || first == b'-' || first == b'+' || first == b'.' {
        let plain: String = text.chars().filter(|&c| c != '_').collect();
        if let Some(i) = go_parse_int(&plain) {
            return YamlValue::Int(i);
        }
        if is_yaml_float(&plain) {
            if let Ok(f) = plain.parse::<f64>() {
                return YamlValue::Float(f);
            }
        }
    }
    string(true)
}

/// `strconv.ParseInt(s, 0, 64)`: optional sign, then `0x`, `0o`, `0b`, a leading `0`
/// (octal) or decimal digits. Integers too large for `i64` that fit `u64` become floats via
/// [`is_yaml_float`] in the caller only when they look like one; go-yaml keeps them as uint,
/// which JSON makes a float too.
fn go_parse_int(s: &str) -> Option<i64> {
    let (negative, body) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let (radix, digits) = if let Some(d) = body.strip_prefix("0x").or(body.strip_prefix("0X")) {
        (16, d)
    } else if let Some(d) = body.strip_prefix("0o").or(body.strip_prefix("0O")) {
        (8, d)
    } else if let Some(d) = body.strip_prefix("0b").or(body.strip_prefix("0B")) {
        (2, d)
    } else if body.len() > 1 && body.starts_with('0') {
        (8, &body[1..])
    } else {
        (10, body)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = u64::from_str_radix(digits, radix).ok()?;
    if negative {
        0i64.checked_sub_unsigned(magnitude)
    } else {
        i64::try_from(magnitude).ok()
    }
}

/// go-yaml's `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
fn is_yaml_float(s: &str) -> bool {
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some(("", frac)) => digits(frac),
        Some((int, frac)) => digits(int) && frac.bytes().all(|b| b.is_ascii_digit()),
        None => digits(mantissa),
    };
    let exponent_ok = exponent.is_none_or(|e| digits(e.strip_prefix(['-', '+']).unwrap_or(e)));
    mantissa_ok && exponent_ok
}
