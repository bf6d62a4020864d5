//! The value-template rules as they were before issue 13, kept as a test-only reference: a
//! `${...}` or `{...}` that reached the end of the value without its `}` failed, and pest
//! re-read the nested text once per way back out (exponential). `grammar/env.pest` now lets
//! such a group match unclosed and the driver flattens it; these tests prove the two give the
//! same parts and the same errors, and that the new rules stay linear.

use std::time::{Duration, Instant};

use pest::iterators::Pairs;
use pest::Parser as _;
use proptest::prelude::*;

use super::*;

#[derive(pest_derive::Parser)]
#[grammar_inline = r#"
name     = @{ ("_" | ASCII_ALPHA) ~ ("_" | ASCII_ALPHANUMERIC)* }
modifier = @{ ":-" | ":+" | ":?" | "-" | "+" | "?" }
escaped_dollar = @{ "$$" }
named    = ${ "$" ~ name }
bad_braced = @{ "${" }
lone_dollar = @{ "$" }
uq_template = ${ SOI ~ uq_part* ~ EOI }
uq_part     = _{ escaped_dollar | uq_braced | bad_braced | named | lone_dollar | lit }
lit         = @{ (!"$" ~ ANY)+ }
uq_braced   = ${ "${" ~ name ~ (modifier ~ uq_arg)? ~ "}" }
uq_arg      = ${ (uq_group | escaped_dollar | uq_braced | bad_braced | named | lone_dollar | arg_lit)* }
uq_group    = ${ "{" ~ uq_arg ~ "}" }
arg_lit     = @{ (!("$" | "{" | "}") ~ ANY)+ }
dq_template = ${ SOI ~ dq_part* ~ EOI }
dq_part     = _{ escape | escaped_dollar | dq_braced | bad_braced | named | lone_dollar | dq_lit }
escape      = @{ "\\" ~ ("0" ~ ASCII_DIGIT{0, 3} | "a" | "b" | "f" | "n" | "r" | "t" | "v" | "$" | "\"" | "\\") }
dq_lit      = @{ ("\\" | (!("$" | "\\") ~ ANY)+) }
dq_braced   = ${ "${" ~ name ~ (modifier ~ dq_arg)? ~ "}" }
dq_arg      = ${ (dq_group | escape | escaped_dollar | dq_braced | bad_braced | named | lone_dollar | dq_arg_lit)* }
dq_group    = ${ "{" ~ dq_arg ~ "}" }
dq_arg_lit  = @{ ("\\" | (!("$" | "{" | "}" | "\\") ~ ANY)+) }
"#]
struct Reference;

/// What a value reads as: its parts (adjacent literals merged) and the byte ranges of errors.
type Reading = (Vec<ValuePart>, Vec<(u32, u32)>);

fn lit(out: &mut Vec<ValuePart>, text: &str) {
    if text.is_empty() {
        return;
    }
    if let Some(ValuePart::Literal(last)) = out.last_mut() {
        last.push_str(text);
    } else {
        out.push(ValuePart::Literal(text.to_string()));
    }
}

/// The reading of the old rules: the conversion `values.rs` did before issue 13.
fn reference_parts(pairs: Pairs<'_, Rule>, out: &mut Vec<ValuePart>, errors: &mut Vec<(u32, u32)>) {
    for p in pairs {
        let (s, e) = (p.as_span().start(), p.as_span().end());
        match p.as_rule() {
            Rule::lit | Rule::arg_lit => lit(out, p.as_str()),
            Rule::dq_lit | Rule::dq_arg_lit => lit(out, &p.as_str().replace("\r\n", "\n")),
            Rule::escaped_dollar | Rule::lone_dollar => lit(out, "$"),
            Rule::escape => lit(out, &super::values::unescape(p.as_str())),
            Rule::named => out.push(ValuePart::Var {
                name: p.as_str()[1..].to_string(),
                span: Span::new(FileId(0), s..e),
                modifier: None,
            }),
            Rule::uq_braced | Rule::dq_braced => {
                let (mut name, mut modifier, mut op) = (String::new(), None, None);
                for q in p.into_inner() {
                    match q.as_rule() {
                        Rule::name => name = q.as_str().to_string(),
                        Rule::modifier => op = super::values::modifier_of(q.as_str()),
                        _ => {
                            let mut arg = Vec::new();
                            reference_parts(q.into_inner(), &mut arg, errors);
                            modifier = op.map(|m| (m, arg));
                        }
                    }
                }
                out.push(ValuePart::Var {
                    name,
                    span: Span::new(FileId(0), s..e),
                    modifier,
                });
            }
            Rule::uq_group | Rule::dq_group => {
                lit(out, "{");
                for q in p.into_inner() {
                    reference_parts(q.into_inner(), out, errors);
                }
                lit(out, "}");
            }
            Rule::bad_braced => {
                errors.push((s as u32, e as u32));
                lit(out, "${");
            }
            _ => reference_parts(p.into_inner(), out, errors),
        }
    }
}

fn reference(body: &str, double: bool) -> Reading {
    let rule = if double {
        Rule::dq_template
    } else {
        Rule::uq_template
    };
    let (mut out, mut errors) = (Vec::new(), Vec::new());
    match Reference::parse(rule, body) {
        Ok(pairs) => reference_parts(pairs, &mut out, &mut errors),
        Err(_) => lit(&mut out, body),
    }
    (out, errors)
}

fn current(body: &str, double: bool) -> Reading {
    let mut diags = Diagnostics::new();
    let mut p = EnvParser {
        file: FileId(0),
        text: body,
        diags: &mut diags,
        entries: Vec::new(),
        first: Default::default(),
        fast: true,
    };
    let parts = p.template(body, 0, double);
    let errors = diags
        .iter()
        .map(|d| (d.primary.span.start, d.primary.span.end))
        .collect();
    (parts, errors)
}

/// Bodies built from the characters that matter to interpolation, nested a few levels.
fn body() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("${A".to_string()),
        Just("${_b1".to_string()),
        Just("${".to_string()),
        Just("$$".to_string()),
        Just("$".to_string()),
        Just("$X".to_string()),
        Just(":-".to_string()),
        Just("-".to_string()),
        Just(":?".to_string()),
        Just("+".to_string()),
        Just("{".to_string()),
        Just("}".to_string()),
        Just("\\".to_string()),
        Just("\\n".to_string()),
        Just("\\$".to_string()),
        Just("\\0".to_string()),
        Just("\r\n".to_string()),
        Just("x".to_string()),
        Just(" ".to_string()),
        Just("é".to_string()),
    ];
    proptest::collection::vec(piece, 0..24).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn linear_template_rules_read_values_as_the_old_rules_did(b in body(), double in any::<bool>()) {
        prop_assert_eq!(current(&b, double), reference(&b, double), "body {:?}", b);
    }
}

#[test]
fn unclosed_nested_references_read_as_before() {
    for body in [
        "${A:-${A:-x",
        "${A:-{x",
        "${A:-${B}x",
        "a${A:-b{c}d${E:+{",
        "${A:-}${B",
        "x}${A-{{}",
    ] {
        for double in [false, true] {
            assert_eq!(current(body, double), reference(body, double), "{body:?}");
        }
    }
}

/// `${A:-` repeated: 2^n steps before (n = 24 took 20 s); now the time per byte stays flat.
#[test]
fn unclosed_nesting_is_linear() {
    let time = |n: usize| {
        let body = format!("{}x", "${A:-".repeat(n));
        (0..3)
            .map(|_| {
                let t = Instant::now();
                let (parts, errors) = current(&body, false);
                assert_eq!(errors.len(), n);
                assert!(!parts.is_empty());
                t.elapsed()
            })
            .min()
            .unwrap_or_default()
    };
    // Within the nesting limit: 4 vs 31 levels, about 8x the bytes. Exponential is 2^27x.
    let (small, large) = (time(4), time(31));
    assert!(
        large < small * 200 + Duration::from_millis(20),
        "4 levels {small:?}, 31 levels {large:?}"
    );
}
