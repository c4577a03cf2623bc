//! Analyses as Python objects, built directly from their serde `Serialize` impls: a
//! serde [`Serializer`] whose output is a Python object instead of JSON text.
//!
//! The objects are exactly what `json.loads` makes of the library's serde JSON (the
//! CLI's JSON): structs and maps become dicts with their keys in serialization order,
//! sequences lists, `None` and units `None`, unit variants their names, `f64` floats
//! as they are and `f32` floats as the shortest decimal serde_json writes for them read
//! back as a Python float ([`py_float`]); non-finite floats `None`, as serde_json writes
//! `null` for them. The test suite checks this against `json.loads` of the same JSON
//! ([`to_json`](crate::convert::to_json), kept as the reference) on every utterance
//! and conversation of the bundled examples and the gold set.
//!
//! Struct field names and variant names (`&'static str`) are made into Python strings
//! once per process and reused (a table keyed by the address of the static text), so a
//! dict costs its values, not its keys; a [`Converter`] kept for a whole batch also
//! shares one `0.0` among all zero scores.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::{Arc, Mutex};

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString};
use pyo3::BoundObject;
use serde::ser::{self, Serialize};

use crate::convert::py_float;

/// One value as a Python object (see the module documentation for the mapping).
pub fn to_py<'py, T: Serialize + ?Sized>(
    py: Python<'py>,
    value: &T,
) -> PyResult<Bound<'py, PyAny>> {
    Converter::new(py).to_py(value)
}

/// Builds Python objects from serializable values; keep one for a batch.
pub struct Converter<'py> {
    py: Python<'py>,
    /// The process's table of static texts when this converter was made.
    shared: Arc<StaticTexts>,
    /// Static texts not in `shared`, added to the process's table when dropped.
    misses: RefCell<StaticTexts>,
    /// One `0.0` for every zero score (most emotion scores are 0).
    zero: Bound<'py, PyFloat>,
    /// The Python floats of `f32` values met in this batch, by their bits (scores repeat:
    /// an emotion share is a ratio of small counts), at most [`F32_CACHE_MAX`].
    f32s: RefCell<HashMap<u32, Bound<'py, PyFloat>, BuildHasherDefault<AddressHasher>>>,
}

/// How many distinct `f32` values one [`Converter`] keeps as Python floats for reuse:
/// enough for the scores that recur in a batch, small enough to stay in cache.
const F32_CACHE_MAX: usize = 4096;

impl<'py> Converter<'py> {
    /// A converter starting from the process's table of static texts.
    pub fn new(py: Python<'py>) -> Converter<'py> {
        let shared = SHARED
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get_or_insert_with(Default::default)
            .clone();
        Converter {
            py,
            shared,
            misses: RefCell::default(),
            zero: PyFloat::new(py, 0.0),
            f32s: RefCell::default(),
        }
    }

    /// The GIL token this converter holds.
    pub fn py(&self) -> Python<'py> {
        self.py
    }

    /// One value as a Python object.
    pub fn to_py<T: Serialize + ?Sized>(&self, value: &T) -> PyResult<Bound<'py, PyAny>> {
        value.serialize(ToPy { c: self }).map_err(|e| e.0)
    }

    /// The Python string of a static text (a label such as `"anger"`), made once.
    pub fn label(&self, s: &'static str) -> Bound<'py, PyAny> {
        self.with_text(s, |k| k.clone().into_any())
    }

    /// A float cell: `None` when not finite (as serde_json writes it), the shared `0.0`
    /// for zero.
    pub fn float(&self, v: f64) -> Bound<'py, PyAny> {
        if v == 0.0 && v.is_sign_positive() {
            self.zero.clone().into_any()
        } else if v.is_finite() {
            PyFloat::new(self.py, v).into_any()
        } else {
            self.py.None().into_bound(self.py)
        }
    }

    /// An `f32` cell as [`py_float`] reads it (see [`Converter::float`]), reusing the
    /// float made for the same value earlier in the batch.
    pub fn float32(&self, v: f32) -> Bound<'py, PyAny> {
        if let Some(f) = self.f32s.borrow().get(&v.to_bits()) {
            return f.clone().into_any();
        }
        let x = py_float(v);
        if x == 0.0 || !x.is_finite() {
            return self.float(x);
        }
        let f = PyFloat::new(self.py, x);
        let mut cache = self.f32s.borrow_mut();
        if cache.len() < F32_CACHE_MAX {
            cache.insert(v.to_bits(), f.clone());
        }
        f.into_any()
    }

    /// Calls `f` with the Python string of a static text (a field or variant name).
    fn with_text<R>(&self, s: &'static str, f: impl FnOnce(&Bound<'py, PyString>) -> R) -> R {
        let key = (s.as_ptr() as usize, s.len());
        if let Some(k) = self.shared.get(&key) {
            return f(k.bind(self.py));
        }
        // Not borrowed across the call into Python that makes the string.
        let known = self.misses.borrow().get(&key).map(|k| k.clone_ref(self.py));
        let k = known.unwrap_or_else(|| {
            let k = PyString::intern(self.py, s).unbind();
            self.misses.borrow_mut().insert(key, k.clone_ref(self.py));
            k
        });
        f(k.bind(self.py))
    }
}

impl Drop for Converter<'_> {
    fn drop(&mut self) {
        let misses = self.misses.get_mut();
        if misses.is_empty() {
            return;
        }
        let mut shared = SHARED.lock().unwrap_or_else(|p| p.into_inner());
        let mut table: StaticTexts = shared
            .as_deref()
            .map(|t| t.iter().map(|(k, v)| (*k, v.clone_ref(self.py))).collect())
            .unwrap_or_default();
        table.extend(misses.drain());
        *shared = Some(Arc::new(table));
    }
}

/// A Python exception as a serde error.
#[derive(Debug)]
pub struct Error(PyErr);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<M: fmt::Display>(msg: M) -> Self {
        Error(PyValueError::new_err(msg.to_string()))
    }
}

impl From<PyErr> for Error {
    fn from(e: PyErr) -> Self {
        Error(e)
    }
}

/// A hasher for addresses: static texts are few and their addresses distinct.
#[derive(Default)]
struct AddressHasher(u64);

impl Hasher for AddressHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(*b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_usize(&mut self, n: usize) {
        self.0 = (self.0.rotate_left(29) ^ n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

/// Python strings by address and length of their static text (field and variant names).
type StaticTexts = HashMap<(usize, usize), Py<PyString>, BuildHasherDefault<AddressHasher>>;

/// The static texts every converter made so far has met: a new converter starts from
/// them, so a name becomes a Python string once per process.
static SHARED: Mutex<Option<Arc<StaticTexts>>> = Mutex::new(None);

/// The serializer: a value in, a Python object out.
#[derive(Clone, Copy)]
struct ToPy<'a, 'py> {
    c: &'a Converter<'py>,
}

type Out<'py> = Result<Bound<'py, PyAny>, Error>;

impl<'py> ToPy<'_, 'py> {
    fn none(self) -> Out<'py> {
        Ok(self.c.py.None().into_bound(self.c.py))
    }

    fn int<T>(self, v: T) -> Out<'py>
    where
        T: IntoPyObject<'py>,
        PyErr: From<T::Error>,
    {
        Ok(v.into_pyobject(self.c.py)
            .map_err(PyErr::from)?
            .into_bound()
            .into_any())
    }

    fn f64(self, v: f64) -> Out<'py> {
        Ok(self.c.float(v))
    }

    /// `{variant: value}`, serde's external tagging.
    fn tagged(self, variant: &'static str, value: Bound<'py, PyAny>) -> Out<'py> {
        let d = PyDict::new(self.c.py);
        self.c.with_text(variant, |k| d.set_item(k, value))?;
        Ok(d.into_any())
    }
}

impl<'a, 'py> ser::Serializer for ToPy<'a, 'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = Error;
    type SerializeSeq = Seq<'a, 'py>;
    type SerializeTuple = Seq<'a, 'py>;
    type SerializeTupleStruct = Seq<'a, 'py>;
    type SerializeTupleVariant = Seq<'a, 'py>;
    type SerializeMap = Map<'a, 'py>;
    type SerializeStruct = Map<'a, 'py>;
    type SerializeStructVariant = Map<'a, 'py>;

    fn serialize_bool(self, v: bool) -> Out<'py> {
        Ok(PyBool::new(self.c.py, v).to_owned().into_any())
    }
    fn serialize_i8(self, v: i8) -> Out<'py> {
        self.int(v)
    }
    fn serialize_i16(self, v: i16) -> Out<'py> {
        self.int(v)
    }
    fn serialize_i32(self, v: i32) -> Out<'py> {
        self.int(v)
    }
    fn serialize_i64(self, v: i64) -> Out<'py> {
        self.int(v)
    }
    fn serialize_i128(self, v: i128) -> Out<'py> {
        self.int(v)
    }
    fn serialize_u8(self, v: u8) -> Out<'py> {
        self.int(v)
    }
    fn serialize_u16(self, v: u16) -> Out<'py> {
        self.int(v)
    }
    fn serialize_u32(self, v: u32) -> Out<'py> {
        self.int(v)
    }
    fn serialize_u64(self, v: u64) -> Out<'py> {
        self.int(v)
    }
    fn serialize_u128(self, v: u128) -> Out<'py> {
        self.int(v)
    }
    fn serialize_f32(self, v: f32) -> Out<'py> {
        Ok(self.c.float32(v))
    }
    fn serialize_f64(self, v: f64) -> Out<'py> {
        self.f64(v)
    }
    fn serialize_char(self, v: char) -> Out<'py> {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Out<'py> {
        Ok(PyString::new(self.c.py, v).into_any())
    }
    fn serialize_bytes(self, v: &[u8]) -> Out<'py> {
        // serde_json writes bytes as an array of numbers.
        Ok(PyList::new(self.c.py, v)?.into_any())
    }
    fn serialize_none(self) -> Out<'py> {
        self.none()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Out<'py> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Out<'py> {
        self.none()
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Out<'py> {
        self.none()
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Out<'py> {
        Ok(self.c.label(variant))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Out<'py> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Out<'py> {
        let v = value.serialize(self)?;
        self.tagged(variant, v)
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Seq<'a, 'py>, Error> {
        Ok(Seq {
            to: self,
            items: Vec::with_capacity(len.unwrap_or(0)),
            variant: None,
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<Seq<'a, 'py>, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<Seq<'a, 'py>, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Seq<'a, 'py>, Error> {
        Ok(Seq {
            to: self,
            items: Vec::with_capacity(len),
            variant: Some(variant),
        })
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Map<'a, 'py>, Error> {
        Ok(Map::new(self, None))
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Map<'a, 'py>, Error> {
        Ok(Map::new(self, None))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Map<'a, 'py>, Error> {
        Ok(Map::new(self, Some(variant)))
    }
}

/// A sequence (or tuple) being built: a list, tagged for a tuple variant.
pub struct Seq<'a, 'py> {
    to: ToPy<'a, 'py>,
    items: Vec<Bound<'py, PyAny>>,
    variant: Option<&'static str>,
}

impl<'a, 'py> Seq<'a, 'py> {
    fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.items.push(value.serialize(self.to)?);
        Ok(())
    }
    fn finish(self) -> Out<'py> {
        let list = PyList::new(self.to.c.py, self.items)?.into_any();
        match self.variant {
            Some(v) => self.to.tagged(v, list),
            None => Ok(list),
        }
    }
}

impl<'a, 'py> ser::SerializeSeq for Seq<'a, 'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.push(value)
    }
    fn end(self) -> Out<'py> {
        self.finish()
    }
}

impl<'a, 'py> ser::SerializeTuple for Seq<'a, 'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.push(value)
    }
    fn end(self) -> Out<'py> {
        self.finish()
    }
}

impl<'a, 'py> ser::SerializeTupleStruct for Seq<'a, 'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.push(value)
    }
    fn end(self) -> Out<'py> {
        self.finish()
    }
}

impl<'a, 'py> ser::SerializeTupleVariant for Seq<'a, 'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.push(value)
    }
    fn end(self) -> Out<'py> {
        self.finish()
    }
}

/// A struct or map being built: a dict, tagged for a struct variant.
pub struct Map<'a, 'py> {
    to: ToPy<'a, 'py>,
    dict: Bound<'py, PyDict>,
    key: Option<Bound<'py, PyAny>>,
    variant: Option<&'static str>,
}

impl<'a, 'py> Map<'a, 'py> {
    fn new(to: ToPy<'a, 'py>, variant: Option<&'static str>) -> Map<'a, 'py> {
        Map {
            to,
            dict: PyDict::new(to.c.py),
            key: None,
            variant,
        }
    }
    fn field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), Error> {
        let v = value.serialize(self.to)?;
        self.to.c.with_text(key, |k| self.dict.set_item(k, v))?;
        Ok(())
    }
    fn finish(self) -> Out<'py> {
        let dict = self.dict.into_any();
        match self.variant {
            Some(v) => self.to.tagged(v, dict),
            None => Ok(dict),
        }
    }
}

impl<'a, 'py> ser::SerializeMap for Map<'a, 'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        // JSON object keys are strings: serde_json writes numbers and booleans as text.
        let k = key.serialize(self.to)?;
        let k = if k.is_instance_of::<PyString>() {
            k
        } else if k.is_instance_of::<PyBool>() {
            let text = if k.is_truthy()? { "true" } else { "false" };
            PyString::new(self.to.c.py, text).into_any()
        } else if k.is_instance_of::<PyInt>() {
            k.str()?.into_any()
        } else {
            return Err(ser::Error::custom("a map key that is not a string"));
        };
        self.key = Some(k);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        let key = self
            .key
            .take()
            .ok_or_else(|| <Error as ser::Error>::custom("a map value without a key"))?;
        let v = value.serialize(self.to)?;
        self.dict.set_item(key, v)?;
        Ok(())
    }
    fn end(self) -> Out<'py> {
        self.finish()
    }
}

impl<'a, 'py> ser::SerializeStruct for Map<'a, 'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.field(key, value)
    }
    fn end(self) -> Out<'py> {
        self.finish()
    }
}

impl<'a, 'py> ser::SerializeStructVariant for Map<'a, 'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.field(key, value)
    }
    fn end(self) -> Out<'py> {
        self.finish()
    }
}
