//! `serde::Serializer` for [`Writer`]: values, sequences, maps, structs and enum variants laid
//! out as `serde_json` lays them out.

use serde::ser::{self, Error as _, Serialize};
use serde_json::Value as Json;

use super::key::MapKey;
use super::widen_integers;
use super::{Error, Result, Writer};

/// Where a sequence or map is: no member written yet, or some (`Empty`: it had none and was
/// closed at once).
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Empty,
    First,
    Rest,
    /// `serde_json::Number` under serde_json's `arbitrary_precision` (which any crate of a
    /// dependent's build may turn on): a struct whose one field is the number's text, written
    /// as it is, as serde_json's own serializer does.
    RawNumber,
}

/// The struct name serde_json gives a `Number` under `arbitrary_precision`.
const RAW_NUMBER: &str = "$serde_json::private::Number";

/// An open sequence or map; `variant` when it is the value of an enum variant's `{"name": ...}`.
pub(crate) struct Compound<'a, 's> {
    w: &'a mut Writer<'s>,
    state: State,
    variant: bool,
}

impl<'a, 's> Compound<'a, 's> {
    fn open(w: &'a mut Writer<'s>, open: u8, close: u8, len: Option<usize>, variant: bool) -> Self {
        w.begin(open);
        let state = if len == Some(0) {
            w.end(close);
            State::Empty
        } else {
            State::First
        };
        Compound { w, state, variant }
    }

    fn next(&mut self) {
        self.w.member(self.state == State::First);
        self.state = State::Rest;
    }

    /// Stops serialising once the sink has failed: nothing more could be written.
    fn going(&self) -> Result {
        match self.w.failed {
            Some(_) => Err(Error("the output could not be written".into())),
            None => Ok(()),
        }
    }

    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        self.going()?;
        self.next();
        value.serialize(&mut *self.w)?;
        self.w.has_value = true;
        Ok(())
    }

    fn key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result {
        self.going()?;
        self.next();
        key.serialize(MapKey(&mut *self.w))
    }

    fn value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        self.w.colon();
        value.serialize(&mut *self.w)?;
        self.w.has_value = true;
        Ok(())
    }

    fn close(self, close: u8) -> Result {
        if self.state != State::Empty {
            self.w.end(close);
        }
        if self.variant {
            self.w.has_value = true;
            self.w.end(b'}');
        }
        Ok(())
    }
}

impl<'s> Writer<'s> {
    /// `{"variant": ` before an enum variant's value.
    fn variant_key(&mut self, variant: &str) -> &mut Writer<'s> {
        self.begin(b'{');
        self.member(true);
        self.string(variant);
        self.colon();
        self
    }
}

impl<'a, 's> ser::Serializer for &'a mut Writer<'s> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Compound<'a, 's>;
    type SerializeTuple = Compound<'a, 's>;
    type SerializeTupleStruct = Compound<'a, 's>;
    type SerializeTupleVariant = Compound<'a, 's>;
    type SerializeMap = Compound<'a, 's>;
    type SerializeStruct = Compound<'a, 's>;
    type SerializeStructVariant = Compound<'a, 's>;

    fn serialize_bool(self, v: bool) -> Result {
        self.out
            .extend_from_slice(if v { b"true" as &[u8] } else { b"false" });
        Ok(())
    }
    widen_integers!();
    fn serialize_i128(self, v: i128) -> Result {
        self.integer(v < 0, v.unsigned_abs());
        Ok(())
    }
    fn serialize_u128(self, v: u128) -> Result {
        self.integer(false, v);
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> Result {
        self.float(&v)
    }
    fn serialize_f64(self, v: f64) -> Result {
        self.float(&v)
    }
    fn serialize_char(self, v: char) -> Result {
        self.string(v.encode_utf8(&mut [0; 4]));
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result {
        self.string(v);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result {
        use ser::SerializeSeq;
        let mut seq = self.serialize_seq(Some(v.len()))?;
        for b in v {
            seq.serialize_element(b)?;
        }
        seq.end()
    }
    fn serialize_none(self) -> Result {
        self.serialize_unit()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result {
        self.out.extend_from_slice(b"null");
        Ok(())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result {
        self.serialize_unit()
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, v: &T) -> Result {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result {
        let w = self.variant_key(variant);
        value.serialize(&mut *w)?;
        w.has_value = true;
        w.end(b'}');
        Ok(())
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Compound<'a, 's>> {
        Ok(Compound::open(self, b'[', b']', len, false))
    }
    fn serialize_tuple(self, len: usize) -> Result<Compound<'a, 's>> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Compound<'a, 's>> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Compound<'a, 's>> {
        let w = self.variant_key(variant);
        Ok(Compound::open(w, b'[', b']', Some(len), true))
    }
    fn serialize_map(self, len: Option<usize>) -> Result<Compound<'a, 's>> {
        Ok(Compound::open(self, b'{', b'}', len, false))
    }
    fn serialize_struct(self, name: &'static str, len: usize) -> Result<Compound<'a, 's>> {
        if name == RAW_NUMBER {
            return Ok(Compound {
                w: self,
                state: State::RawNumber,
                variant: false,
            });
        }
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Compound<'a, 's>> {
        let w = self.variant_key(variant);
        Ok(Compound::open(w, b'{', b'}', Some(len), true))
    }
}

/// The compounds written as arrays (a tuple variant's array inside its one-key object).
macro_rules! array_compound {
    ($($kind:ident::$method:ident),*) => {$(
        impl ser::$kind for Compound<'_, '_> {
            type Ok = ();
            type Error = Error;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
                self.element(value)
            }
            fn end(self) -> Result {
                self.close(b']')
            }
        }
    )*};
}

array_compound!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

impl ser::SerializeMap for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result {
        self.key(key)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        self.value(value)
    }
    // Inlined as one step: a diagnostic is about twenty entries, each otherwise two calls.
    #[inline]
    fn serialize_entry<K: Serialize + ?Sized, V: Serialize + ?Sized>(
        &mut self,
        key: &K,
        value: &V,
    ) -> Result {
        self.key(key)?;
        self.value(value)
    }
    fn end(self) -> Result {
        self.close(b'}')
    }
}

impl ser::SerializeStruct for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result {
        if self.state == State::RawNumber {
            let Ok(Json::String(digits)) = serde_json::to_value(value) else {
                return Err(Error::custom("a number's text is not a string"));
            };
            self.w.out.extend_from_slice(digits.as_bytes());
            self.w.has_value = true;
            self.w.pass_on(false);
            return Ok(());
        }
        self.key(key)?;
        self.value(value)
    }
    fn end(self) -> Result {
        if self.state == State::RawNumber {
            return Ok(());
        }
        self.close(b'}')
    }
}

impl ser::SerializeStructVariant for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result {
        self.key(key)?;
        self.value(value)
    }
    fn end(self) -> Result {
        self.close(b'}')
    }
}
