//! The dataclasses of a module: one per struct (`#[derive(FlyteType)]`) its interfaces use,
//! so that a struct arrives in Python as an object with its fields (`shape.points[0].x`),
//! not as a `dict`, and flytekit's DataclassTransformer writes and reads it as the binary
//! does (msgpack).
//!
//! A struct's `LiteralType` is simple STRUCT with its JSON schema as `metadata` (a title,
//! the properties with their defaults and descriptions, the required fields) and its
//! fields' types in `structure.dataclass_type`; in a union (`Option<S>`) only the schema is
//! left, so a field's type comes from the schema where no structure gives it. Every use of
//! a struct carries the same schema, its key: one dataclass per schema, named after the
//! title (`Shape_2`… where the name is taken), written after the dataclasses it uses, in
//! name order. The class's fields are the schema's (descriptions as flytekit's field
//! `metadata`, defaults as Python defaults), so flytekit's type of the class is the
//! binary's.
//!
//! The fields are in the order the schema can tell: the required ones in the struct's
//! order, then those with a default, by name. That is the struct's own order when its
//! fields with a default come last (as a dataclass's must); otherwise Python writes the
//! same values with the keys in another order.
//!
//! A struct stays a `dict` where a class cannot stand for it (a field whose name is not a
//! Python name, or would hide a name the class body uses); a comment in the module says
//! why.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde_json::{Map, Value as Json};

use super::annotation::annotation_with;
use super::source::{docstring, identifier, py_str};
use crate::proto::core::{
    blob_type::BlobDimensionality, literal_type, EnumType, LiteralType, SimpleType,
    StructuredDatasetType, TypeStructure,
};
use crate::types::literal_type::{blob, collection_of, map_of, none_variant, simple, union_of};
use crate::types::struct_value::{json_object_to_struct, struct_to_json_object};

/// The names of Python's builtins: a module-level class of one of these names would hide it
/// from the runtime's code.
const PYTHON_BUILTINS: &str = "ArithmeticError AssertionError AttributeError BaseException \
    BaseExceptionGroup BlockingIOError BrokenPipeError BufferError BytesWarning \
    ChildProcessError ConnectionAbortedError ConnectionError ConnectionRefusedError \
    ConnectionResetError DeprecationWarning EOFError Ellipsis EncodingWarning EnvironmentError \
    Exception ExceptionGroup False FileExistsError FileNotFoundError FloatingPointError \
    FutureWarning GeneratorExit IOError ImportError ImportWarning IndentationError IndexError \
    InterruptedError IsADirectoryError KeyError KeyboardInterrupt LookupError MemoryError \
    ModuleNotFoundError NameError None NotADirectoryError NotImplemented NotImplementedError \
    OSError OverflowError PendingDeprecationWarning PermissionError ProcessLookupError \
    RecursionError ReferenceError ResourceWarning RuntimeError RuntimeWarning \
    StopAsyncIteration StopIteration SyntaxError SyntaxWarning SystemError SystemExit TabError \
    TimeoutError True TypeError UnboundLocalError UnicodeDecodeError UnicodeEncodeError \
    UnicodeError UnicodeTranslateError UnicodeWarning UserWarning ValueError Warning \
    ZeroDivisionError abs aiter all anext any ascii bin bool breakpoint bytearray bytes \
    callable chr classmethod compile complex copyright credits delattr dict dir divmod \
    enumerate eval exec exit filter float format frozenset getattr globals hasattr hash help \
    hex id input int isinstance issubclass iter len license list locals map max memoryview \
    min next object oct open ord pow print property quit range repr reversed round set \
    setattr slice sorted staticmethod str sum super tuple type vars zip";

/// The module-level names a dataclass body refers to (in its fields' types and defaults),
/// besides the dataclasses: a field of one of these names, bound in the class body, would
/// hide it from the fields after it (and from its own type).
const CLASS_BODY_GLOBALS: &[&str] = &[
    "typing",
    "datetime",
    "enum",
    "collections",
    "dataclasses",
    "_default_factory",
    "FlyteFile",
    "FlyteDirectory",
    "StructuredDataset",
    "dict",
    "int",
    "float",
    "str",
    "bool",
    "bytes",
];

/// The names the shared runtime defines at module level (imports, classes, functions,
/// variables), read from its source: a dataclass must not take one.
pub(super) fn runtime_names(runtime: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let imported = |list: &str, names: &mut BTreeSet<String>| {
        for item in list.split('#').next().unwrap_or_default().split(',') {
            let item = item.trim().trim_matches(|c| c == '(' || c == ')').trim();
            let name = match item.split_once(" as ") {
                Some((_, alias)) => alias.trim(),
                None => item.split('.').next().unwrap_or_default(),
            };
            if !name.is_empty() {
                names.insert(name.to_string());
            }
        }
    };
    for line in runtime.lines() {
        if line.starts_with(char::is_whitespace) {
            continue;
        }
        if let Some(rest) = line.strip_prefix("import ") {
            imported(rest, &mut names);
        } else if let Some((_, list)) = line
            .strip_prefix("from ")
            .and_then(|l| l.split_once(" import "))
        {
            imported(list, &mut names);
        } else {
            let rest = line
                .strip_prefix("class ")
                .or_else(|| line.strip_prefix("def "))
                .unwrap_or(line);
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            let after = rest[name.len()..].trim_start();
            let defines =
                rest.len() < line.len() || after.starts_with('=') || after.starts_with(':');
            if !name.is_empty() && defines && !name.starts_with(|c: char| c.is_ascii_digit()) {
                names.insert(name);
            }
        }
    }
    names
}

/// The names a dataclass must not take: the runtime's and Python's builtins.
pub(super) fn reserved_names(runtime: &str) -> BTreeSet<String> {
    let mut names = runtime_names(runtime);
    names.extend(PYTHON_BUILTINS.split_whitespace().map(str::to_string));
    names
}

fn is_struct_schema(schema: &Map<String, Json>) -> bool {
    schema.get("title").is_some_and(Json::is_string)
        && schema.get("properties").is_some_and(Json::is_object)
}

/// The JSON schema of `t` if `t` is a struct's: simple STRUCT whose `metadata` is an object
/// schema with a title and properties (as `#[derive(FlyteType)]` and flytekit, for a
/// dataclass, write it). A plain STRUCT (a `dict`, a JSON value) has none.
fn struct_schema(t: &LiteralType) -> Option<Map<String, Json>> {
    let is_struct = matches!(
        t.r#type,
        Some(literal_type::Type::Simple(s)) if s == SimpleType::Struct as i32
    );
    if !is_struct {
        return None;
    }
    let schema = struct_to_json_object(t.metadata.as_ref()?);
    is_struct_schema(&schema).then_some(schema)
}

/// The key of a struct: its schema, as (canonical) JSON.
fn key_of(schema: &Map<String, Json>) -> String {
    Json::Object(schema.clone()).to_string()
}

fn enum_type(values: Vec<String>) -> LiteralType {
    LiteralType {
        r#type: Some(literal_type::Type::EnumType(EnumType { values })),
        ..Default::default()
    }
}

/// The Flyte type a field's JSON schema stands for, for a field no structure gives a type
/// (a struct in a union keeps only its schema); `None` for a schema it cannot read. A
/// blob's format and a table's columns are not in a schema: those are any file, any table.
fn schema_type(schema: &Json) -> Option<LiteralType> {
    let s = schema.as_object()?;
    if let Some(values) = s.get("enum") {
        let values = values
            .as_array()?
            .iter()
            .map(|v| v.as_str().map(str::to_string))
            .collect::<Option<Vec<_>>>()?;
        return Some(enum_type(values));
    }
    if let Some(any_of) = s.get("anyOf").and_then(Json::as_array) {
        let (nulls, others): (Vec<&Json>, Vec<&Json>) = any_of
            .iter()
            .partition(|v| v.get("type").and_then(Json::as_str) == Some("null"));
        return match (nulls.len(), others.as_slice()) {
            (1, [one]) => Some(union_of(vec![schema_type(one)?, none_variant()])),
            _ => None,
        };
    }
    let title = s.get("title").and_then(Json::as_str);
    if !s.contains_key("required") {
        match title {
            Some("FlyteFile") => return Some(blob("", BlobDimensionality::Single)),
            Some("FlyteDirectory") => return Some(blob("", BlobDimensionality::Multipart)),
            Some("StructuredDataset") => {
                return Some(LiteralType {
                    r#type: Some(literal_type::Type::StructuredDatasetType(
                        StructuredDatasetType::default(),
                    )),
                    ..Default::default()
                })
            }
            _ => {}
        }
    }
    if is_struct_schema(s) {
        return Some(LiteralType {
            metadata: Some(json_object_to_struct(s)),
            ..simple(SimpleType::Struct)
        });
    }
    let format = s.get("format").and_then(Json::as_str);
    Some(match (s.get("type").and_then(Json::as_str)?, format) {
        ("integer", _) => simple(SimpleType::Integer),
        ("number", Some("time-delta")) => simple(SimpleType::Duration),
        ("number", _) => simple(SimpleType::Float),
        ("string", Some("date-time")) => simple(SimpleType::Datetime),
        ("string", _) => simple(SimpleType::String),
        ("boolean", _) => simple(SimpleType::Boolean),
        ("array", _) => collection_of(schema_type(s.get("items")?)?),
        ("object", _) => match s.get("additionalProperties") {
            Some(values @ Json::Object(_)) => map_of(schema_type(values)?),
            _ => simple(SimpleType::Struct),
        },
        _ => return None,
    })
}

/// A struct found in the interfaces.
struct Found {
    schema: Map<String, Json>,
    /// The fields' types, by name; `None` where neither a structure nor the schema gives one.
    fields: BTreeMap<String, Option<LiteralType>>,
    /// The fields whose type a structure gave (exact), not the schema.
    exact: BTreeSet<String>,
}

impl Found {
    fn title(&self) -> &str {
        self.schema
            .get("title")
            .and_then(Json::as_str)
            .unwrap_or_default()
    }

    fn property(&self, field: &str) -> Option<&Map<String, Json>> {
        self.schema
            .get("properties")
            .and_then(|p| p.get(field))
            .and_then(Json::as_object)
    }

    /// The fields in the dataclass's order, each with whether it has a default: those the
    /// schema requires in its order, then those without a default by name, then those
    /// with one by name.
    fn order(&self) -> Vec<(&str, bool)> {
        let required: Vec<&str> = self
            .schema
            .get("required")
            .and_then(Json::as_array)
            .map(|r| r.iter().filter_map(Json::as_str).collect())
            .unwrap_or_default();
        let mut order: Vec<(&str, bool)> = required
            .iter()
            .filter(|name| self.fields.contains_key(**name))
            .map(|name| (*name, false))
            .collect();
        let rest = self
            .fields
            .keys()
            .map(String::as_str)
            .filter(|name| !required.contains(name));
        let (with, without): (Vec<&str>, Vec<&str>) = rest.partition(|name| {
            self.property(name)
                .is_some_and(|p| p.contains_key("default"))
        });
        order.extend(without.into_iter().map(|name| (name, false)));
        order.extend(with.into_iter().map(|name| (name, true)));
        order
    }
}

/// Every struct in `t`: itself, its fields', and those in lists, maps, unions and tables.
fn collect(found: &mut BTreeMap<String, Found>, t: &LiteralType) {
    match &t.r#type {
        Some(literal_type::Type::Simple(_)) => {
            if let Some(schema) = struct_schema(t) {
                add(found, schema, t.structure.as_ref());
            }
        }
        Some(literal_type::Type::CollectionType(inner))
        | Some(literal_type::Type::MapValueType(inner)) => collect(found, inner),
        Some(literal_type::Type::UnionType(u)) => {
            for v in &u.variants {
                collect(found, v);
            }
        }
        Some(literal_type::Type::StructuredDatasetType(sd)) => {
            for c in sd.columns.iter().filter_map(|c| c.literal_type.as_ref()) {
                collect(found, c);
            }
        }
        _ => {}
    }
}

/// Adds the struct of `schema` (its fields' types from `structure` where it has them), then
/// the structs in the fields it did not know yet.
fn add(
    found: &mut BTreeMap<String, Found>,
    schema: Map<String, Json>,
    structure: Option<&TypeStructure>,
) {
    let properties: Vec<(String, Json)> = schema
        .get("properties")
        .and_then(Json::as_object)
        .map(|p| p.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default();
    let entry = found.entry(key_of(&schema)).or_insert_with(|| Found {
        schema,
        fields: BTreeMap::new(),
        exact: BTreeSet::new(),
    });
    let mut new = Vec::new();
    for (name, property) in properties {
        match structure.and_then(|s| s.dataclass_type.get(&name)) {
            Some(t) if entry.exact.insert(name.clone()) => {
                entry.fields.insert(name, Some(t.clone()));
                new.push(t.clone());
            }
            Some(_) => {}
            None if entry.fields.contains_key(&name) => {}
            None => {
                let t = schema_type(&property);
                entry.fields.insert(name, t.clone());
                new.extend(t);
            }
        }
    }
    for t in new {
        collect(found, &t);
    }
}

/// The keys of the structs `t` uses directly (not those its structs use).
fn uses(t: &LiteralType, out: &mut BTreeSet<String>) {
    match &t.r#type {
        Some(literal_type::Type::Simple(_)) => {
            if let Some(schema) = struct_schema(t) {
                out.insert(key_of(&schema));
            }
        }
        Some(literal_type::Type::CollectionType(inner))
        | Some(literal_type::Type::MapValueType(inner)) => uses(inner, out),
        Some(literal_type::Type::UnionType(u)) => u.variants.iter().for_each(|v| uses(v, out)),
        _ => {}
    }
}

/// The enums in `t` (not in its structs), each once, as their values.
fn enums(t: &LiteralType, out: &mut Vec<Vec<String>>) {
    match &t.r#type {
        Some(literal_type::Type::EnumType(e)) if !out.contains(&e.values) => {
            out.push(e.values.clone());
        }
        Some(literal_type::Type::CollectionType(inner))
        | Some(literal_type::Type::MapValueType(inner)) => enums(inner, out),
        Some(literal_type::Type::UnionType(u)) => u.variants.iter().for_each(|v| enums(v, out)),
        _ => {}
    }
}

/// `row_count` as `RowCount`: a field's enum class.
fn camel(name: &str) -> String {
    let mut out = String::new();
    for part in name.split(|c: char| !c.is_ascii_alphanumeric()) {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars);
        }
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'E');
    }
    out
}

/// `base`, or `base_2`, `base_3`… : the first not in `taken`.
fn unique(base: String, taken: &BTreeSet<String>) -> String {
    if !taken.contains(&base) {
        return base;
    }
    (2..)
        .map(|n| format!("{base}_{n}"))
        .find(|name| !taken.contains(name))
        .unwrap_or(base)
}

/// A float as a Python float literal (`0.0`, not `0`).
fn py_float(f: f64) -> String {
    format!("{f:?}")
}

/// A field's default: an expression, or a factory of values (for a mutable one).
enum FieldDefault {
    Value(String),
    Factory(String),
}

/// The Python default of a field of type `t` (annotated `annotation`) whose schema gives
/// `value`; `enum_class` names the field's enum classes.
fn default_of(
    value: &Json,
    t: &LiteralType,
    annotation: &str,
    enum_class: &dyn Fn(&LiteralType) -> Option<String>,
) -> FieldDefault {
    if value.is_null() {
        return FieldDefault::Value("None".into());
    }
    let inner = crate::types::literal_type::optional_inner(t).unwrap_or(t);
    let simple = match &inner.r#type {
        Some(literal_type::Type::Simple(s)) => SimpleType::try_from(*s).ok(),
        _ => None,
    };
    let literal = match (simple, value) {
        (Some(SimpleType::Boolean), Json::Bool(b)) => {
            Some(if *b { "True" } else { "False" }.into())
        }
        (Some(SimpleType::Integer), Json::Number(n)) => n.as_i64().map(|i| i.to_string()),
        (Some(SimpleType::Float), Json::Number(n)) => n.as_f64().map(py_float),
        (Some(SimpleType::String), Json::String(s)) => Some(py_str(s)),
        (None, Json::String(s)) => match &inner.r#type {
            Some(literal_type::Type::EnumType(e)) if e.values.contains(s) => {
                enum_class(inner).map(|class| format!("{class}({})", py_str(s)))
            }
            _ => None,
        },
        _ => None,
    };
    match literal {
        Some(v) => FieldDefault::Value(v),
        None => FieldDefault::Factory(format!(
            "_default_factory({annotation}, {})",
            py_str(&value.to_string())
        )),
    }
}

/// The dataclasses of a module.
pub(super) struct Dataclasses {
    /// The class of each struct that has one, by key.
    names: BTreeMap<String, String>,
    /// Their code, and comments on the structs that stay dicts.
    code: String,
}

impl Dataclasses {
    /// The dataclasses of the structs in `types`, named clear of `taken`; `binary` goes into
    /// their docs.
    pub(super) fn new<'a>(
        types: impl IntoIterator<Item = &'a LiteralType>,
        taken: &BTreeSet<String>,
        binary: &str,
    ) -> Self {
        let mut found = BTreeMap::new();
        for t in types {
            collect(&mut found, t);
        }
        let mut dicts: BTreeMap<String, String> = BTreeMap::new();
        let mut classes: BTreeSet<&String> = BTreeSet::new();
        for (key, s) in &found {
            match unfit_field(s) {
                Some(why) => {
                    dicts.insert(key.clone(), why);
                }
                None => {
                    classes.insert(key);
                }
            }
        }
        // Classes whose code cannot be written leave the set, and the others are named and
        // written again without them, until every one is written.
        loop {
            let mut used = taken.clone();
            let mut by_title: Vec<&String> = classes.iter().copied().collect();
            by_title.sort_by_key(|key| (found[*key].title(), *key));
            let mut names = BTreeMap::new();
            for key in by_title {
                let name = unique(identifier(found[key].title()), &used);
                used.insert(name.clone());
                names.insert(key.clone(), name);
            }
            let mut written = BTreeMap::new();
            let mut failed = Vec::new();
            for (key, name) in &names {
                match class_code(&found[key], name, &names, binary) {
                    Ok(code) => {
                        written.insert(key.clone(), code);
                    }
                    Err(why) => failed.push((key.clone(), why)),
                }
            }
            if failed.is_empty() {
                let code = module_code(&found, &names, &written, &dicts);
                return Self { names, code };
            }
            for (key, why) in failed {
                classes.remove(&key);
                dicts.insert(key, why);
            }
        }
    }

    /// The class of `t` if `t` is a struct with one.
    pub(super) fn class_of(&self, t: &LiteralType) -> Option<String> {
        struct_schema(t).and_then(|s| self.names.get(&key_of(&s)).cloned())
    }

    /// The classes' names.
    pub(super) fn names(&self) -> impl Iterator<Item = &String> {
        self.names.values()
    }

    /// The classes' code, each after those it uses.
    pub(super) fn code(&self) -> &str {
        &self.code
    }
}

/// Why no class can stand for struct `s`, as far as its fields tell.
fn unfit_field(s: &Found) -> Option<String> {
    s.fields.iter().find_map(|(name, t)| {
        if identifier(name) != *name || name.starts_with("__") {
            Some(format!("its field `{name}` is not a Python name"))
        } else if t.is_none() {
            Some(format!("the type of its field `{name}` is unknown"))
        } else {
            None
        }
    })
}

/// The code of all classes (each after those it uses, else in name order) and the comments
/// on the structs left as dicts.
fn module_code(
    found: &BTreeMap<String, Found>,
    names: &BTreeMap<String, String>,
    written: &BTreeMap<String, String>,
    dicts: &BTreeMap<String, String>,
) -> String {
    fn visit<'a>(
        key: &'a String,
        found: &'a BTreeMap<String, Found>,
        names: &BTreeMap<String, String>,
        done: &mut BTreeSet<&'a String>,
        order: &mut Vec<&'a String>,
    ) {
        if !done.insert(key) {
            return;
        }
        let mut used = BTreeSet::new();
        for t in found[key].fields.values().flatten() {
            uses(t, &mut used);
        }
        for dep in used {
            if let Some((dep, _)) = found.get_key_value(&dep) {
                if names.contains_key(dep) {
                    visit(dep, found, names, done, order);
                }
            }
        }
        order.push(key);
    }
    let mut by_name: Vec<(&String, &String)> = names.iter().collect();
    by_name.sort_by_key(|(_, name)| name.as_str());
    let (mut done, mut order) = (BTreeSet::new(), Vec::new());
    for (key, _) in by_name {
        if let Some((key, _)) = found.get_key_value(key) {
            visit(key, found, names, &mut done, &mut order);
        }
    }
    let mut code: String = order
        .iter()
        .filter_map(|key| written.get(*key))
        .map(|c| format!("\n\n{c}"))
        .collect();
    let mut notes: Vec<(&str, &String)> = dicts
        .iter()
        .map(|(key, why)| (found[key].title(), why))
        .collect();
    notes.sort();
    notes.dedup();
    if !notes.is_empty() {
        code.push('\n');
        for (title, why) in notes {
            let _ = writeln!(code, "\n# The struct `{title}` stays a dict: {why}.");
        }
    }
    code
}

/// The enum classes of struct `s`'s fields, by field: each enum's values and its class, named
/// after the field (`color` → `Color`), clear of the fields, the dataclasses and the names
/// the class body uses.
fn enum_classes(
    s: &Found,
    classes: &BTreeMap<String, String>,
) -> BTreeMap<String, Vec<(Vec<String>, String)>> {
    let mut taken: BTreeSet<String> = s.fields.keys().cloned().collect();
    taken.extend(CLASS_BODY_GLOBALS.iter().map(|g| g.to_string()));
    taken.extend(classes.values().cloned());
    let mut out = BTreeMap::new();
    for (field, _) in s.order() {
        let mut found = Vec::new();
        if let Some(Some(t)) = s.fields.get(field) {
            enums(t, &mut found);
        }
        let mut named = Vec::new();
        for (i, values) in found.into_iter().enumerate() {
            let base = match i {
                0 => camel(field),
                n => format!("{}{}", camel(field), n + 1),
            };
            let name = if taken.contains(&base) {
                unique(format!("{base}Enum"), &taken)
            } else {
                base
            };
            taken.insert(name.clone());
            named.push((values, name));
        }
        out.insert(field.to_string(), named);
    }
    out
}

/// The code of the dataclass `name` of struct `s`, or why it cannot be written.
fn class_code(
    s: &Found,
    name: &str,
    classes: &BTreeMap<String, String>,
    binary: &str,
) -> Result<String, String> {
    let hidden = s
        .fields
        .keys()
        .find(|f| CLASS_BODY_GLOBALS.contains(&f.as_str()) || classes.values().any(|c| c == *f));
    if let Some(field) = hidden {
        return Err(format!(
            "its field `{field}` would hide the name `{field}` from the class's types"
        ));
    }
    let title = s.title();
    let enum_classes = enum_classes(s, classes);
    let mut doc =
        format!("The struct `{title}` of `{binary}`; flytekit converts it as the binary does.");
    if name != title {
        let _ = write!(doc, "\n\n(`{name}` here: the name `{title}` is taken.)");
    }
    let mut out = format!(
        "@dataclasses.dataclass\nclass {name}:\n{}",
        docstring(&doc, "    ")
    );
    let all_enums: Vec<&(Vec<String>, String)> = enum_classes.values().flatten().collect();
    if !all_enums.is_empty() {
        out.push('\n');
        for (values, class) in all_enums {
            let members: Vec<String> = values
                .iter()
                .map(|v| format!("{0}: {0}", py_str(v)))
                .collect();
            // Its qualified name is where flytekit's (mashumaro's) code finds it.
            let _ = writeln!(
                out,
                "    {class} = enum.Enum({}, {{{}}}, qualname={})",
                py_str(class),
                members.join(", "),
                py_str(&format!("{name}.{class}"))
            );
        }
    }
    out.push('\n');
    for (field, has_default) in s.order() {
        let Some(Some(t)) = s.fields.get(field) else {
            return Err(format!("the type of its field `{field}` is unknown"));
        };
        let field_enums = enum_classes.get(field);
        let named = |t: &LiteralType| -> Option<String> {
            if let Some(literal_type::Type::EnumType(e)) = &t.r#type {
                return field_enums?
                    .iter()
                    .find(|(values, _)| *values == e.values)
                    .map(|(_, class)| class.clone());
            }
            struct_schema(t).and_then(|schema| classes.get(&key_of(&schema)).cloned())
        };
        let annotation =
            annotation_with(t, &named).map_err(|e| format!("its field `{field}`: {e}"))?;
        let property = s.property(field);
        let default = if has_default {
            property
                .and_then(|p| p.get("default"))
                .map(|v| default_of(v, t, &annotation, &named))
        } else {
            None
        };
        let description = property
            .and_then(|p| p.get("description"))
            .and_then(Json::as_str);
        let value = match (default, description) {
            (None, None) => String::new(),
            (Some(FieldDefault::Value(v)), None) => format!(" = {v}"),
            (default, description) => {
                let mut args = Vec::new();
                match default {
                    Some(FieldDefault::Value(v)) => args.push(format!("default={v}")),
                    Some(FieldDefault::Factory(f)) => args.push(format!("default_factory={f}")),
                    None => {}
                }
                if let Some(text) = description {
                    args.push(format!("metadata={{\"description\": {}}}", py_str(text)));
                }
                format!(" = dataclasses.field({})", args.join(", "))
            }
        };
        let _ = writeln!(out, "    {field}: {annotation}{value}");
    }
    if name != title {
        // flytekit's schema of the class is titled with its __name__: the binary's.
        let _ = writeln!(out, "\n\n{name}.__name__ = {}", py_str(title));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::struct_value::json_object_to_struct;

    fn struct_type(schema: Json, fields: &[(&str, LiteralType)]) -> LiteralType {
        let Json::Object(schema) = schema else {
            panic!("not an object")
        };
        LiteralType {
            metadata: Some(json_object_to_struct(&schema)),
            structure: Some(TypeStructure {
                tag: String::new(),
                dataclass_type: fields
                    .iter()
                    .map(|(n, t)| (n.to_string(), t.clone()))
                    .collect(),
            }),
            ..simple(SimpleType::Struct)
        }
    }

    fn point() -> LiteralType {
        struct_type(
            serde_json::json!({"additionalProperties": false, "required": ["x", "y"],
                "title": "Point", "type": "object",
                "properties": {"x": {"type": "number"}, "y": {"type": "number"}}}),
            &[
                ("x", simple(SimpleType::Float)),
                ("y", simple(SimpleType::Float)),
            ],
        )
    }

    #[test]
    fn the_runtimes_names_are_read_from_its_source() {
        let names = runtime_names(
            "import base64\nimport enum  # noqa\nfrom a.b import C, D as E\n\
             from flytekit.models import task as _task_models\nclass RustTask(X):\n    \
             inner = 1\ndef _binary(p):\nBINARY_ENV = \"x\"\nx: int = 1\n# comment = 2\n",
        );
        let expected = [
            "BINARY_ENV",
            "C",
            "E",
            "RustTask",
            "_binary",
            "_task_models",
            "base64",
            "enum",
            "x",
        ];
        assert_eq!(names, expected.iter().map(|s| s.to_string()).collect());
        let reserved = reserved_names(super::super::source::RUNTIME);
        for name in [
            "RustTask",
            "FlyteFile",
            "Description",
            "typing",
            "Exception",
            "dict",
        ] {
            assert!(reserved.contains(name), "{name}");
        }
    }

    #[test]
    fn structs_in_unions_lists_and_fields_each_get_one_class_in_use_order() {
        let shape = struct_type(
            serde_json::json!({"additionalProperties": false, "required": ["name", "points"],
                "title": "Shape", "type": "object",
                "properties": {
                    "name": {"type": "string", "description": "Its \"name\"."},
                    "points": {"type": "array", "items": {"additionalProperties": false,
                        "required": ["x", "y"], "title": "Point", "type": "object",
                        "properties": {"x": {"type": "number"}, "y": {"type": "number"}}}},
                    "color": {"enum": ["red", "green"], "default": "red"},
                    "weight": {"type": "number", "default": 1},
                    "corner": {"anyOf": [{"additionalProperties": false, "required": ["x", "y"],
                        "title": "Point", "type": "object",
                        "properties": {"x": {"type": "number"}, "y": {"type": "number"}}},
                        {"type": "null"}], "default": null}}}),
            &[
                ("name", simple(SimpleType::String)),
                ("points", collection_of(point())),
                ("color", enum_type(vec!["red".into(), "green".into()])),
                ("weight", simple(SimpleType::Float)),
                (
                    "corner",
                    union_of(vec![
                        crate::types::literal_type::tagged(point(), "x"),
                        none_variant(),
                    ]),
                ),
            ],
        );
        let taken: BTreeSet<String> = ["Point".to_string()].into();
        let d = Dataclasses::new(
            [&shape, &union_of(vec![point(), none_variant()])],
            &taken,
            "b",
        );
        assert_eq!(d.class_of(&shape).as_deref(), Some("Shape"));
        assert_eq!(d.class_of(&point()).as_deref(), Some("Point_2"));
        assert_eq!(d.class_of(&simple(SimpleType::Struct)), None);
        assert_eq!(
            d.code(),
            "\n\n@dataclasses.dataclass\nclass Point_2:\n    \"\"\"The struct `Point` of `b`; \
             flytekit converts it as the binary does.\n\n    (`Point_2` here: the name \
             `Point` is taken.)\n    \"\"\"\n\n    x: float\n    y: float\n\n\n\
             Point_2.__name__ = \"Point\"\n\
             \n\n@dataclasses.dataclass\nclass Shape:\n    \"\"\"The struct `Shape` of `b`; \
             flytekit converts it as the binary does.\"\"\"\n\n    \
             Color = enum.Enum(\"Color\", {\"red\": \"red\", \"green\": \"green\"}, \
             qualname=\"Shape.Color\")\n\n    \
             name: str = dataclasses.field(metadata={\"description\": \"Its \\\"name\\\".\"})\n    \
             points: typing.List[Point_2]\n    \
             color: Color = Color(\"red\")\n    \
             corner: typing.Optional[Point_2] = None\n    \
             weight: float = 1.0\n"
        );
    }

    #[test]
    fn a_struct_no_class_can_stand_for_stays_a_dict() {
        let odd = struct_type(
            serde_json::json!({"required": ["row-count"], "title": "Odd", "type": "object",
                "properties": {"row-count": {"type": "integer"}}}),
            &[("row-count", simple(SimpleType::Integer))],
        );
        let hiding = struct_type(
            serde_json::json!({"required": ["typing"], "title": "Hiding", "type": "object",
                "properties": {"typing": {"type": "integer"}}}),
            &[("typing", simple(SimpleType::Integer))],
        );
        let d = Dataclasses::new([&odd, &hiding], &BTreeSet::new(), "b");
        assert_eq!(d.class_of(&odd), None);
        assert_eq!(d.class_of(&hiding), None);
        assert_eq!(
            d.code(),
            "\n\n# The struct `Hiding` stays a dict: its field `typing` would hide the name \
             `typing` from the class's types.\n\n# The struct `Odd` stays a dict: its field \
             `row-count` is not a Python name.\n"
        );
    }

    #[test]
    fn mutable_defaults_are_factories_and_schemas_give_types() {
        let list = collection_of(simple(SimpleType::Integer));
        let none = |_: &LiteralType| None;
        assert!(matches!(
            default_of(&serde_json::json!([1]), &list, "typing.List[int]", &none),
            FieldDefault::Factory(f) if f == "_default_factory(typing.List[int], \"[1]\")"
        ));
        assert!(matches!(
            default_of(&serde_json::json!(3), &simple(SimpleType::Integer), "int", &none),
            FieldDefault::Value(v) if v == "3"
        ));
        let t = schema_type(&serde_json::json!({"type": "object",
            "additionalProperties": {"anyOf": [{"type": "string", "format": "date-time"},
                                               {"type": "null"}]}}))
        .expect("a type");
        assert_eq!(
            super::super::annotation(&t).expect("annotation"),
            "typing.Dict[str, typing.Optional[datetime.datetime]]"
        );
        assert_eq!(camel("row_count"), "RowCount");
        assert_eq!(camel("3d"), "E3d");
    }
}
