const _: () = {
    use ::flyte_runtime::__private as __flyte;
    #[automatically_derived]
    impl __flyte::FlyteEnum for Color {
        const NAME: &'static str = "Color";
        const VALUES: &'static [&'static str] = &["red", "green"];
        fn value(&self) -> &'static str {
            match self {
                Self::Red => "red",
                Self::Green => "green",
            }
        }
        fn from_value(value: &str) -> __flyte::std::option::Option<Self> {
            match value {
                "red" => __flyte::std::option::Option::Some(Self::Red),
                "green" => __flyte::std::option::Option::Some(Self::Green),
                _ => __flyte::std::option::Option::None,
            }
        }
    }
    #[automatically_derived]
    impl __flyte::FlyteType for Color {
        fn literal_type() -> __flyte::LiteralType {
            __flyte::enum_literal_type::<Self>()
        }
        fn type_tag() -> &'static str {
            __flyte::ENUM_TAG
        }
        fn to_literal(&self) -> __flyte::Literal {
            __flyte::enum_to_literal(self)
        }
        fn from_literal(
            literal: &__flyte::Literal,
        ) -> __flyte::std::result::Result<Self, __flyte::TypeError> {
            __flyte::enum_from_literal(literal)
        }
        fn to_msgpack(&self) -> __flyte::rmpv::Value {
            __flyte::rmpv::Value::from(__flyte::FlyteEnum::value(self))
        }
        fn from_msgpack(
            value: &__flyte::rmpv::Value,
        ) -> __flyte::std::result::Result<Self, __flyte::TypeError> {
            __flyte::enum_from_msgpack(value)
        }
        fn json_schema() -> __flyte::serde_json::Value {
            __flyte::enum_schema::<Self>()
        }
    }
};
