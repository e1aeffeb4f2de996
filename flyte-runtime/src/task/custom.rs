//! A task type's configuration in `TaskTemplate.custom`: serialized with serde into a
//! `google.protobuf.Struct`, and read back *typed*. A Struct stores every number as a double,
//! so whole doubles come back as the declared integer types; a fractional or out-of-range
//! value is an error naming the field.

use prost_types::Struct;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::types::struct_value::{json_object_to_struct, struct_to_json_object};

/// Why a configuration did not convert to or from `custom`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CustomError {
    /// The configuration did not serialize to a JSON object.
    #[error("the configuration of task type `{task_type}` must serialize to a map of fields, got {found}")]
    NotAnObject {
        /// The task type.
        task_type: &'static str,
        /// What it serialized to.
        found: &'static str,
    },
    /// serde could not serialize the configuration.
    #[error("cannot serialize the configuration of task type `{task_type}`: {source}")]
    Serialize {
        /// The task type.
        task_type: &'static str,
        /// serde's error.
        source: serde_json::Error,
    },
    /// `custom` does not hold the configuration the task type declares.
    #[error("`custom` of the task template does not fit task type `{task_type}`: at `{path}`: {message}")]
    Deserialize {
        /// The task type.
        task_type: &'static str,
        /// Where in the configuration.
        path: String,
        /// serde's message.
        message: String,
    },
}

/// Serializes a configuration into `custom`.
///
/// ```
/// use flyte_runtime::__private::task::custom::{from_custom, to_custom};
///
/// #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
/// struct Config { offset: i64, label: String }
///
/// let custom = to_custom("adder", &Config { offset: 3, label: "x".into() }).unwrap();
/// // In the Struct, 3 is the double 3.0; it reads back as the i64 it was.
/// assert_eq!(from_custom::<Config>("adder", &custom).unwrap(), Config { offset: 3, label: "x".into() });
/// ```
pub fn to_custom<T: Serialize>(task_type: &'static str, config: &T) -> Result<Struct, CustomError> {
    match serde_json::to_value(config)
        .map_err(|source| CustomError::Serialize { task_type, source })?
    {
        serde_json::Value::Object(map) => Ok(json_object_to_struct(&map)),
        serde_json::Value::Null => Ok(Struct::default()),
        other => Err(CustomError::NotAnObject {
            task_type,
            found: match other {
                serde_json::Value::Bool(_) => "a boolean",
                serde_json::Value::Number(_) => "a number",
                serde_json::Value::String(_) => "a string",
                _ => "a list",
            },
        }),
    }
}

/// Reads a typed configuration back from `custom`.
pub fn from_custom<T: DeserializeOwned>(
    task_type: &'static str,
    custom: &Struct,
) -> Result<T, CustomError> {
    let json = serde_json::Value::Object(struct_to_json_object(custom));
    serde_path_to_error::deserialize(json).map_err(|e| CustomError::Deserialize {
        task_type,
        path: e.path().to_string(),
        message: e.inner().to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
    struct Nested {
        depth: u8,
    }

    #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
    struct Config {
        nested: Nested,
        ratio: f64,
    }

    #[test]
    fn fractional_and_out_of_range_numbers_name_the_field() {
        let custom = to_custom(
            "t",
            &serde_json::json!({"nested": {"depth": 2.5}, "ratio": 1}),
        )
        .unwrap();
        let err = from_custom::<Config>("t", &custom).unwrap_err().to_string();
        assert!(err.contains("at `nested.depth`"), "{err}");
        assert!(err.contains("floating point `2.5`"), "{err}");
        let custom = to_custom(
            "t",
            &serde_json::json!({"nested": {"depth": 300}, "ratio": 1}),
        )
        .unwrap();
        let err = from_custom::<Config>("t", &custom).unwrap_err().to_string();
        assert!(
            err.contains("at `nested.depth`") && err.contains("300"),
            "{err}"
        );
        // An integral double is a fine f64 too.
        let custom = to_custom(
            "t",
            &serde_json::json!({"nested": {"depth": 2}, "ratio": 1}),
        )
        .unwrap();
        assert_eq!(from_custom::<Config>("t", &custom).unwrap().ratio, 1.0);
    }

    #[test]
    fn a_config_that_is_not_a_map_is_refused() {
        let err = to_custom("t", &5_i32).unwrap_err().to_string();
        assert!(err.contains("must serialize to a map"), "{err}");
    }
}
