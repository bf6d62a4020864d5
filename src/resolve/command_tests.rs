use super::*;
use crate::edgelake::commands::ArgType;
use crate::resolve::arg_value::{type_value, TypedText};
use crate::resolve::test_vars::Vars;
use crate::syntax::script::tokenize;

/// A time or size kept as a [`Quantity`] writes the JSON `type_value` builds, also past
/// 48 bits (kept as JSON then).
#[test]
fn quantities_write_the_typed_json() {
    let line = "schedule time = 30 seconds and name = a task run x";
    for (value, ty) in [
        ("30 seconds", ArgType::IntTime),
        ("-5 minutes", ArgType::IntTime),
        ("281474976710656 days", ArgType::IntTime),
        ("1024", ArgType::IntStorage),
        ("12gB", ArgType::IntStorage),
        ("281474976710655", ArgType::IntStorage),
        ("18446744073709551615", ArgType::IntStorage),
    ] {
        let want = type_value(value, ty).unwrap();
        let typed = match crate::resolve::arg_value::type_text(value, ty).unwrap() {
            TypedText::Time(m, negative, unit) => Quantity::new(m, negative, unit)
                .map(Typed::Time)
                .unwrap_or_else(|| Typed::Other(Box::new(want.clone()))),
            TypedText::Size(m, unit) => Quantity::new(m, false, unit)
                .map(Typed::Size)
                .unwrap_or_else(|| Typed::Other(Box::new(want.clone()))),
            other => panic!("{value}: {other:?}"),
        };
        let arg = Arg {
            key: "time".into(),
            key_span: Span::new(crate::source::FileId(0), 0..0),
            written: value.into(),
            value_span: Span::new(crate::source::FileId(0), 0..0),
            value: Some(typed),
            resolved: Some(value.into()),
        };
        assert_eq!(arg.value_json(), Some(want), "{value}");
    }
    // Through the parser: the where-clause's time is kept without a JSON object.
    let t = tokenize(line).unwrap();
    let c = parse_command(
        &t.words,
        &Vars::of(&[]),
        &|_| Span::new(crate::source::FileId(0), 0..0),
        Guard::Always,
    )
    .unwrap();
    assert!(
        matches!(c.args[0].value, Some(Typed::Time(_))),
        "{:?}",
        c.args[0]
    );
    assert_eq!(
        c.args_json()["time"],
        serde_json::json!({"value": 30, "unit": "seconds"})
    );
}
