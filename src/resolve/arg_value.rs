//! Typing one where-clause value the way `interpreter.process_value` does (§3.5): the value
//! text (after reference resolution) against the catalog type, into structured JSON.

use serde_json::{json, Value as Json};

use crate::edgelake::commands::{ArgType, TIME_UNITS};

/// Types `text` as `ty`: the structured JSON of a good value, or why the node rejects it.
pub fn type_value(text: &str, ty: ArgType) -> Result<Json, String> {
    Ok(type_text(text, ty)?.into_json(text))
}

/// Size units of `int.storage` values after the number (`bytes` when none is written).
pub const SIZE_UNITS: [&str; 5] = ["bytes", "KB", "MB", "GB", "TB"];

/// A typed value in the form a record keeps: the text itself (most values), a time or a
/// size without a JSON object, or JSON.
#[derive(Debug, PartialEq)]
pub enum TypedText {
    /// The string `text`.
    Same,
    /// `{"value": ±magnitude, "unit": TIME_UNITS[unit]}` (magnitude, negative, unit).
    Time(u64, bool, u8),
    /// `{"value": value, "unit": SIZE_UNITS[unit]}`.
    Size(u64, u8),
    /// Anything else.
    Json(Json),
}

impl TypedText {
    /// The value as JSON, for the value text `text`.
    pub fn into_json(self, text: &str) -> Json {
        match self {
            TypedText::Same => Json::String(text.to_string()),
            TypedText::Time(magnitude, negative, unit) => time_json(magnitude, negative, unit),
            TypedText::Size(value, unit) => size_json(value, unit),
            TypedText::Json(v) => v,
        }
    }
}

/// A time value's JSON.
pub fn time_json(magnitude: u64, negative: bool, unit: u8) -> Json {
    let n = magnitude as i64;
    json!({"value": if negative { -n } else { n }, "unit": TIME_UNITS[usize::from(unit)]})
}

/// A size value's JSON.
pub fn size_json(value: u64, unit: u8) -> Json {
    json!({"value": value, "unit": SIZE_UNITS[usize::from(unit)]})
}

/// [`type_value`] without building what a record does not need: a value that stays the text
/// itself, a time or a size.
pub fn type_text(text: &str, ty: ArgType) -> Result<TypedText, String> {
    let json = match ty {
        ArgType::Str | ArgType::Date | ArgType::Dir => return Ok(TypedText::Same),
        ArgType::Int => match numeric(text) {
            Some(n) => Ok(json!(n)),
            None => Err(format!(
                "`{text}` is not a whole number (the node accepts digits only: no sign, spaces or decimals)"
            )),
        },
        ArgType::Bool if text.eq_ignore_ascii_case("true") => Ok(Json::Bool(true)),
        ArgType::Bool if text.eq_ignore_ascii_case("false") => Ok(Json::Bool(false)),
        ArgType::Bool => Err(format!("`{text}` is not `true` or `false`")),
        ArgType::IntTime => return int_time(text),
        ArgType::IntStorage => return int_storage(text),
        ArgType::IpPort => {
            let ok = text.find(':').is_some_and(|i| {
                i > 1 && i < text.len() - 1 && numeric(&text[i + 1..]).is_some()
            });
            if ok {
                return Ok(TypedText::Same);
            } else {
                Err(format!("`{text}` is not an `IP:port` address"))
            }
        }
        ArgType::Float => match text.trim().parse::<f64>() {
            Ok(f) if f.is_finite() => Ok(json!(f)),
            _ => Err(format!("`{text}` is not a number")),
        },
        ArgType::Format => match text {
            "json" | "table" => return Ok(TypedText::Same),
            _ => Err(format!("`{text}` is not `json` or `table`")),
        },
        ArgType::Nested => Err(format!(
            "`{text}` is not a `( key = value and … )` group"
        )),
    };
    json.map(TypedText::Json)
}

/// Python's `str.isnumeric()` followed by `int()`, for the digits people write.
fn numeric(text: &str) -> Option<u64> {
    if text.is_empty() || !text.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

fn int_time(text: &str) -> Result<TypedText, String> {
    let mut parts = text.split_whitespace();
    let (Some(count), Some(unit), None) = (parts.next(), parts.next(), parts.next()) else {
        return Err(
            if text.split_whitespace().count() == 1 && numeric(text).is_some() {
                format!(
                "`{text}` has no time unit; the node needs a number and a unit (`{text} seconds`)"
            )
            } else {
                format!("`{text}` is not a number followed by a time unit (`30 seconds`)")
            },
        );
    };
    let Some(unit_index) = TIME_UNITS.iter().position(|u| *u == unit) else {
        return Err(format!(
            "`{unit}` is not a time unit the node knows (second(s), minute(s), hour(s), day(s), lower case)"
        ));
    };
    let (negative, digits) = match count.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, count),
    };
    match numeric(digits) {
        Some(n) => Ok(TypedText::Time(n, negative, unit_index as u8)),
        None => Err(format!("`{count}` is not a whole number")),
    }
}

fn int_storage(text: &str) -> Result<TypedText, String> {
    let upper = text.to_ascii_uppercase();
    let (digits, unit) = match upper.as_bytes() {
        [.., b'K' | b'M' | b'G' | b'T', b'B'] if text.len() > 2 => {
            (&text[..text.len() - 2], &upper[upper.len() - 2..])
        }
        [.., b'B'] if text.len() > 2 => {
            return Err(format!(
                "`{text}` has a unit the node does not know (KB, MB, GB or TB)"
            ))
        }
        _ => (text, ""),
    };
    match numeric(digits) {
        Some(n) if unit.is_empty() => Ok(TypedText::Size(n, 0)),
        Some(n) => {
            let unit_index = SIZE_UNITS.iter().position(|u| *u == unit).unwrap_or(0);
            Ok(TypedText::Size(n, unit_index as u8))
        }
        None => Err(format!(
            "`{text}` is not a size (a number, optionally followed by KB, MB, GB or TB without a space)"
        )),
    }
}

/// A number below 2^48, its sign and the index of its unit
/// (`TIME_UNITS` for a time,
/// `SIZE_UNITS` for a size), stored in 7 bytes aligned to one:
/// so it fits beside the tag of [`crate::resolve::command::Typed`], which stays 16 bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Quantity {
    magnitude: [u8; 6],
    /// The unit's index; the top bit is the sign.
    unit: u8,
}

impl Quantity {
    /// `None` when `magnitude` needs more than 48 bits or `unit` more than 7 (then the value
    /// is kept as JSON).
    pub fn new(magnitude: u64, negative: bool, unit: u8) -> Option<Quantity> {
        if magnitude >> 48 != 0 || unit > 0x7f {
            return None;
        }
        let bytes = magnitude.to_le_bytes();
        let mut kept = [0; 6];
        kept.copy_from_slice(&bytes[..6]);
        Some(Quantity {
            magnitude: kept,
            unit: unit | if negative { 0x80 } else { 0 },
        })
    }

    /// The number without its sign.
    pub fn magnitude(self) -> u64 {
        let mut bytes = [0; 8];
        bytes[..6].copy_from_slice(&self.magnitude);
        u64::from_le_bytes(bytes)
    }

    /// Whether the number is negative.
    pub fn negative(self) -> bool {
        self.unit & 0x80 != 0
    }

    /// The unit's index.
    pub fn unit(self) -> u8 {
        self.unit & 0x7f
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_needs_a_unit() {
        assert_eq!(
            type_value("30 seconds", ArgType::IntTime).unwrap(),
            json!({"value": 30, "unit": "seconds"})
        );
        assert!(type_value("60", ArgType::IntTime).is_err());
        assert!(type_value("1 week", ArgType::IntTime).is_err());
        assert!(type_value("1 Day", ArgType::IntTime).is_err());
        assert_eq!(
            type_value("-2 days", ArgType::IntTime).unwrap()["value"],
            -2
        );
    }

    #[test]
    fn storage_sizes() {
        assert_eq!(
            type_value("10KB", ArgType::IntStorage).unwrap(),
            json!({"value": 10, "unit": "KB"})
        );
        assert_eq!(
            type_value("10mb", ArgType::IntStorage).unwrap()["unit"],
            "MB"
        );
        assert!(type_value("10 KB", ArgType::IntStorage).is_err());
        assert!(type_value("10PB", ArgType::IntStorage).is_err());
        assert_eq!(
            type_value("4096", ArgType::IntStorage).unwrap()["value"],
            4096
        );
    }

    #[test]
    fn ints_bools_and_addresses() {
        assert_eq!(type_value("3", ArgType::Int).unwrap(), json!(3));
        assert!(type_value("-3", ArgType::Int).is_err());
        assert!(type_value("3.0", ArgType::Int).is_err());
        assert_eq!(type_value("TRUE", ArgType::Bool).unwrap(), json!(true));
        assert!(type_value("yes", ArgType::Bool).is_err());
        assert!(type_value("10.0.0.1:32048", ArgType::IpPort).is_ok());
        assert!(type_value("10.0.0.1", ArgType::IpPort).is_err());
        assert!(type_value("a:", ArgType::IpPort).is_err());
    }
}
